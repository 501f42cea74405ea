import { SignJWT } from 'jose';
import type { CrmClaims } from './caller';

/** The development signing secret used when none is configured; never used when JWT_JWKS_URL is set. */
export const DEV_JWT_SECRET = 'crm-dev-secret-change-me-0123456789abcdef';

export interface DevTokenOptions {
  secret: string;
  issuer?: string;
  audience?: string;
  expiresIn?: string;
}

/** Mint an HS256 token for development and tests. Production tokens come from the identity provider. */
export async function signDevToken(claims: CrmClaims, options: DevTokenOptions): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(options.issuer ?? 'crm-platform')
    .setAudience(options.audience ?? 'crm-graph')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(options.secret));
}
