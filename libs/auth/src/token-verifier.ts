import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { asPartnerOnly, crmClaimsSchema, type Caller } from './caller';

export interface TokenVerifierConfig {
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
  /** An unknown key id refetches the key set at most once per this long (jose's cooldown; default 30 s). */
  JWT_JWKS_COOLDOWN_MS?: number;
  /** The cached key set is refetched when older than this, so a removed key stops verifying (default 5 min). */
  JWT_JWKS_CACHE_MAX_AGE_MS?: number;
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

/**
 * Build a verifier once per process: HS256 with a shared secret, or RS/ES keys from a JWKS URL. The key set is
 * fetched on first use and cached; a token whose `kid` is not in the cache refetches it (at most once per cooldown),
 * so a key the identity provider adds is accepted without a restart, and a key it removes is refused once the
 * cache is older than its max age.
 */
export function createTokenVerifier(config: TokenVerifierConfig): VerifyToken {
  const key: Uint8Array | JWTVerifyGetKey = config.JWT_JWKS_URL
    ? createRemoteJWKSet(new URL(config.JWT_JWKS_URL), {
        cooldownDuration: config.JWT_JWKS_COOLDOWN_MS ?? 30_000,
        cacheMaxAge: config.JWT_JWKS_CACHE_MAX_AGE_MS ?? 300_000,
      })
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
