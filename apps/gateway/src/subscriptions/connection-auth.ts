import { bearerToken, InvalidTokenError, type Caller, type VerifyToken } from '@crm/auth';
import { CloseCode } from 'graphql-ws';
import { decodeJwt } from 'jose';

/**
 * The socket is refused with a graphql-ws close code. The reason starts with the stable code a query would carry in
 * `extensions.code`, since a close event has no room for extensions.
 */
export class ConnectionRefused extends Error {
  constructor(
    readonly closeCode: number,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'ConnectionRefused';
  }
}

/**
 * Authenticate a graphql-ws connection at `connection_init` with the same verifier as the HTTP path: the token is
 * `connectionParams.authorization` ("Bearer …"). Anything else closes the socket with 4403 Forbidden, which the
 * graphql-ws protocol recommends for a refused `connection_init`. (4401 is what the server sends on its own for a
 * subscribe before acknowledgement.) Messages follow the HTTP path's.
 */
export async function authenticateConnection(connectionParams: Readonly<Record<string, unknown>> | undefined, verifyToken: VerifyToken): Promise<Caller> {
  const header = connectionParams?.authorization ?? connectionParams?.Authorization;
  if (header !== undefined && typeof header !== 'string') throw refused('connectionParams.authorization is not a Bearer token');
  let token: string | undefined;
  try {
    token = bearerToken(header);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw refused('connectionParams.authorization is not a Bearer token');
    throw error;
  }
  if (!token) throw refused('Authentication required: send connectionParams { authorization: "Bearer <token>" }');
  try {
    return await verifyToken(token);
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    throw refused(error.reason === 'expired' ? 'the token has expired' : `the token is invalid (${error.reason})`);
  }
}

/** When the verified token stops being valid (its `exp`), if it says. */
export function tokenExpiry(caller: Caller): Date | undefined {
  const { exp } = decodeJwt(caller.token);
  return typeof exp === 'number' ? new Date(exp * 1000) : undefined;
}

/**
 * Close reason when the token of an open connection expires: the same 4403 as at `connection_init`, which graphql-ws
 * clients retry, so a client that refreshes its token in `connectionParams` reconnects (and resumes with `after`).
 */
export const tokenExpired = (): ConnectionRefused => refused('the token has expired');

function refused(message: string): ConnectionRefused {
  // Close reasons are limited to 123 bytes.
  return new ConnectionRefused(CloseCode.Forbidden, `UNAUTHENTICATED: ${message}`.slice(0, 123));
}
