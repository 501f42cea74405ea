/**
 * Key rotation at the identity provider, against a local JWKS endpoint: a key added to the set is accepted without a
 * restart (an unknown `kid` refetches the set, at most once per cooldown), a key removed from it is refused once the
 * cached set is older than its max age.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { createTokenVerifier, InvalidTokenError, type VerifyToken } from './token-verifier';

const COOLDOWN_MS = 150;
const CACHE_MAX_AGE_MS = 600;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

function sign(key: SigningKey, sub: string): Promise<string> {
  return new SignJWT({ roles: ['consultant'] })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setSubject(sub)
    .setIssuer('crm-platform')
    .setAudience('crm-graph')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key.privateKey);
}

/** The identity provider's key set endpoint; `publish` replaces the keys it serves and `fetches` counts requests. */
class JwksEndpoint {
  fetches = 0;
  private keys: JWK[] = [];
  private readonly server: Server = createServer((_req, res) => {
    this.fetches += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: this.keys }));
  });

  publish(...keys: SigningKey[]): void {
    this.keys = keys.map((key) => key.publicJwk);
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const refusal = (verify: VerifyToken, token: string): Promise<string | undefined> =>
  verify(token).then(
    () => undefined,
    (error: unknown) => (error instanceof InvalidTokenError ? error.reason : `unexpected: ${String(error)}`),
  );

describe('JWKS key rotation without a restart', () => {
  const endpoint = new JwksEndpoint();
  let url: string;
  let verify: VerifyToken;
  let oldKey: SigningKey;
  let newKey: SigningKey;

  beforeAll(async () => {
    url = await endpoint.listen();
    [oldKey, newKey] = await Promise.all([signingKey('key-2026-11'), signingKey('key-2026-12')]);
  });
  afterAll(() => endpoint.close());

  beforeEach(() => {
    endpoint.fetches = 0;
    endpoint.publish(oldKey);
    verify = createTokenVerifier({
      JWT_JWKS_URL: url,
      JWT_JWKS_COOLDOWN_MS: COOLDOWN_MS,
      JWT_JWKS_CACHE_MAX_AGE_MS: CACHE_MAX_AGE_MS,
      JWT_ISSUER: 'crm-platform',
      JWT_AUDIENCE: 'crm-graph',
    });
  });

  it('accepts a token signed with a key added to the set, then refuses the removed key once the cache has aged', async () => {
    const oldToken = await sign(oldKey, 'u-old');
    await expect(verify(oldToken)).resolves.toMatchObject({ userId: 'u-old' });
    expect(endpoint.fetches).toBe(1);

    // Rotation, step 1: the provider publishes the new key next to the old one and signs with it.
    endpoint.publish(oldKey, newKey);
    await sleep(COOLDOWN_MS + 50);
    const newToken = await sign(newKey, 'u-new');
    await expect(verify(newToken)).resolves.toMatchObject({ userId: 'u-new' });
    expect(endpoint.fetches).toBe(2);
    await expect(verify(oldToken)).resolves.toMatchObject({ userId: 'u-old' });

    // Step 2: the old key is withdrawn. Cached keys still verify until the set is older than its max age.
    endpoint.publish(newKey);
    await sleep(CACHE_MAX_AGE_MS + 50);
    expect(await refusal(verify, oldToken)).toBe('ERR_JWKS_NO_MATCHING_KEY');
    await expect(verify(newToken)).resolves.toMatchObject({ userId: 'u-new' });
    expect(endpoint.fetches).toBe(3);
  });

  it('refetches for an unknown kid at most once per cooldown, so forged kids cannot hammer the provider', async () => {
    await verify(await sign(oldKey, 'u-old'));
    endpoint.publish(oldKey, newKey);
    const newToken = await sign(newKey, 'u-new');

    // Within the cooldown of the first fetch the set is not refetched: the new kid is unknown for now.
    expect(await refusal(verify, newToken)).toBe('ERR_JWKS_NO_MATCHING_KEY');
    const forged = await sign(await signingKey('no-such-kid'), 'intruder');
    expect(await refusal(verify, forged)).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(endpoint.fetches).toBe(1);

    await sleep(COOLDOWN_MS + 50);
    await expect(verify(newToken)).resolves.toMatchObject({ userId: 'u-new' });
    expect(endpoint.fetches).toBe(2);
  });

  it('refuses a token whose kid names a published key but that another key signed', async () => {
    const impostor = { ...(await signingKey(oldKey.kid)), publicJwk: oldKey.publicJwk };
    expect(await refusal(verify, await sign(impostor, 'intruder'))).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });
});
