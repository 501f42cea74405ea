import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { asPartnerOnly, crmClaimsSchema, type Caller } from './caller';

export interface TokenVerifierConfig {
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}

/** Why a token was refused; callers map every reason to UNAUTHENTICATED. */
export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super(`Invalid token: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

export type VerifyToken = (token: string) => Promise<Caller>;

/** Build a verifier once per process: HS256 with a shared secret, or RS/ES keys from a JWKS URL. */
export function createTokenVerifier(config: TokenVerifierConfig): VerifyToken {
  const key: Uint8Array | JWTVerifyGetKey = config.JWT_JWKS_URL
    ? createRemoteJWKSet(new URL(config.JWT_JWKS_URL))
    : new TextEncoder().encode(requireSecret(config));
  const algorithms = config.JWT_JWKS_URL ? ['RS256', 'ES256', 'EdDSA'] : ['HS256'];

  return async (token) => {
    let payload: unknown;
    try {
      const verified = await jwtVerify(token, key as Uint8Array, {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        algorithms,
      });
      payload = verified.payload;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError('expired');
      if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError(error.code);
      throw error;
    }
    const claims = crmClaimsSchema.safeParse(payload);
    if (!claims.success) throw new InvalidTokenError(`claims: ${claims.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    // A token with a partner id is a partner everywhere, whatever roles it also claims.
    return asPartnerOnly({
      userId: claims.data.sub,
      name: claims.data.name,
      roles: claims.data.roles,
      departmentId: claims.data.department_id,
      partnerId: claims.data.partner_id,
      token,
    });
  };
}

/** Extract the token from an `Authorization: Bearer …` header; undefined when absent. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  if (!match) throw new InvalidTokenError('authorization header is not a Bearer token');
  return match[1];
}

function requireSecret(config: TokenVerifierConfig): string {
  if (!config.JWT_SECRET) throw new Error('JWT_SECRET or JWT_JWKS_URL must be set');
  return config.JWT_SECRET;
}
