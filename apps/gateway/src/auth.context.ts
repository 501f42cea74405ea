import { HeaderMap } from '@apollo/server';
import type { ExpressContextFunctionArgument } from '@as-integrations/express5';
import { bearerToken, InvalidTokenError, type Caller, type VerifyToken } from '@crm/auth';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './gateway-context';
import type { RateLimiter } from './rate-limits';

/**
 * Apollo context function: every operation needs a verified caller. A missing, malformed, invalid or expired token
 * fails context creation, so Apollo answers HTTP 401 with `extensions.code = 'UNAUTHENTICATED'` before parsing the
 * query or calling any subgraph. (401 rather than 200: the request as a whole is refused, and Apollo honours the
 * status set in `extensions.http` for context errors.) Subgraphs verify the forwarded token again.
 */
export function authenticate(verifyToken: VerifyToken, limiter?: RateLimiter) {
  return async ({ req, res }: ExpressContextFunctionArgument): Promise<GatewayContext> => {
    const logger = res.locals.logger;
    const caller = await verifiedCaller(req.headers.authorization, verifyToken).catch((error: unknown) => {
      if (error instanceof GraphQLError) logger.info({ reason: error.message }, 'request refused: unauthenticated');
      throw error;
    });
    // Counted once the caller is known (a forged token cannot spend someone else's budget), before any parsing.
    let rateLimit;
    try {
      rateLimit = limiter?.takeRequest(caller);
    } catch (error) {
      logger.info({ userId: caller.userId, partnerId: caller.partnerId }, 'request refused: rate limit');
      throw error;
    }
    return { caller, requestId: res.locals.requestId, logger: logger.child({ userId: caller.userId }), rateLimit };
  };
}

async function verifiedCaller(authorization: string | undefined, verifyToken: VerifyToken): Promise<Caller> {
  let token: string | undefined;
  try {
    token = bearerToken(authorization);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthenticated('Authentication failed: the Authorization header is not a Bearer token', 'invalid_request');
    throw error;
  }
  if (!token) throw unauthenticated('Authentication required: send an Authorization: Bearer <token> header');
  try {
    return await verifyToken(token);
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    const message =
      error.reason === 'expired' ? 'Authentication failed: the token has expired' : `Authentication failed: the token is invalid (${error.reason})`;
    throw unauthenticated(message, 'invalid_token');
  }
}

function unauthenticated(message: string, oauthError?: 'invalid_request' | 'invalid_token'): GraphQLError {
  // RFC 6750: a 401 carries a Bearer challenge; the error attribute is present only when a token was sent.
  const challenge = oauthError ? `Bearer realm="crm", error="${oauthError}"` : 'Bearer realm="crm"';
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: new HeaderMap([['www-authenticate', challenge]]) } },
  });
}
