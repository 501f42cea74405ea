import { ConfigError, loadConfig } from '@crm/kernel';
import { gatewayConfigSchema, subgraphUrlsFromConfig } from '../src/gateway.config';

const SECRET = 'a-development-secret-of-at-least-32-chars';

describe('gatewayConfigSchema', () => {
  it('defaults to port 4000 and the documented limits', () => {
    const config = loadConfig(gatewayConfigSchema, { JWT_SECRET: SECRET });
    expect(config).toMatchObject({
      PORT: 4000,
      HOST: '0.0.0.0',
      MAX_BODY_BYTES: 100 * 1024,
      MAX_DEPTH: 12,
      MAX_ALIASES: 15,
      MAX_COST: 5000,
      MAX_TOKENS: 2000,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      JWT_ISSUER: 'crm-platform',
      JWT_AUDIENCE: 'crm-graph',
    });
  });

  it('maps SUBGRAPH_*_URL variables to subgraph names', () => {
    const config = loadConfig(gatewayConfigSchema, {
      JWT_SECRET: SECRET,
      SUBGRAPH_SERVICE_DESK_URL: 'http://service-desk:4003/graphql',
      SUBGRAPH_ACCOUNTS_URL: 'http://accounts:4001/graphql',
    });
    expect(subgraphUrlsFromConfig(config)).toEqual({
      accounts: 'http://accounts:4001/graphql',
      'service-desk': 'http://service-desk:4003/graphql',
    });
  });

  it('names the bad variable when a limit is not a positive integer', () => {
    expect(() => loadConfig(gatewayConfigSchema, { JWT_SECRET: SECRET, MAX_DEPTH: 'deep' })).toThrow(ConfigError);
    expect(() => loadConfig(gatewayConfigSchema, { JWT_SECRET: SECRET, MAX_DEPTH: 'deep' })).toThrow(/MAX_DEPTH="deep"/);
  });

  it('names JWT_SECRET when neither a secret nor a JWKS URL is set', () => {
    expect(() => loadConfig(gatewayConfigSchema, {})).toThrow(/JWT_SECRET: set exactly one of JWT_SECRET/);
  });

  it('refuses both a secret and a JWKS URL', () => {
    expect(() => loadConfig(gatewayConfigSchema, { JWT_SECRET: SECRET, JWT_JWKS_URL: 'https://idp.example/jwks' })).toThrow(/JWT_SECRET/);
  });

  it('refuses a subgraph URL that is not a URL, naming it', () => {
    expect(() => loadConfig(gatewayConfigSchema, { JWT_SECRET: SECRET, SUBGRAPH_CREDIT_URL: 'credit:4005' })).toThrow(/SUBGRAPH_CREDIT_URL/);
  });
});
