import { GATEWAY_DEFAULT_PORT, serviceNames, subgraphUrlVariable, type ServiceName, type SubgraphUrlVariable } from '@crm/contracts';
import { env, jwtConfigFields, processConfigSchema, refineJwtConfig } from '@crm/kernel';
import { roles, type Role } from '@crm/auth';
import { z } from 'zod';
import { DEFAULT_RATE_LIMITS, rateLimitsSchema } from './rate-limits';

// RATE_LIMITS is JSON: the classes given replace the defaults' of the same name.
const rateLimitsJson = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (!text) return DEFAULT_RATE_LIMITS;
    try {
      return rateLimitsSchema.parse({ ...DEFAULT_RATE_LIMITS, ...(JSON.parse(text) as object) });
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `must be JSON like ${JSON.stringify({ partner: DEFAULT_RATE_LIMITS.partner })}: ${(error as Error).message.slice(0, 200)}` });
      return z.NEVER;
    }
  });

/** Env variable that overrides each subgraph's routing URL from the supergraph (e.g. per deployment), one per registered service. */
export const SUBGRAPH_URL_VARIABLES = Object.fromEntries(serviceNames.map((name) => [name, subgraphUrlVariable(name)])) as { [N in ServiceName]: SubgraphUrlVariable<N> };

// Plain z.url() would accept `credit:4005` (a URL with scheme "credit:"), a likely typo for a host:port.
const httpUrl = () => env.url().regex(/^https?:\/\//, 'must be an http:// or https:// URL');

const subgraphUrlFields = Object.fromEntries(
  Object.entries(SUBGRAPH_URL_VARIABLES).map(([name, variable]) => [variable, httpUrl().describe(`Routing URL of the ${name} subgraph (default: the supergraph's).`).optional()]),
) as Record<
  SubgraphUrlVariable,
  z.ZodOptional<z.ZodString>
>;

/** Everything the gateway reads from its environment, validated once at start-up. */
export const gatewayConfigSchema = processConfigSchema
  .extend({
    PORT: env.port(GATEWAY_DEFAULT_PORT).describe('Port of the gateway (/graphql, /healthz, /readyz, /metrics).'),
    ...jwtConfigFields,
    MAX_BODY_BYTES: env.positiveInt(100 * 1024).describe('Largest JSON body accepted on /graphql, in bytes (PAYLOAD_TOO_LARGE beyond).'),
    MAX_DEPTH: env.positiveInt(12).describe('Deepest selection nesting accepted (QUERY_TOO_DEEP beyond).'),
    MAX_ALIASES: env.positiveInt(15).describe('Most aliases in one operation (TOO_MANY_ALIASES beyond).'),
    MAX_COST: env.positiveInt(5000).describe('Highest estimated query cost accepted (QUERY_TOO_COMPLEX beyond).'),
    MAX_TOKENS: env.positiveInt(2000).describe('Most lexical tokens in one document (TOO_MANY_TOKENS beyond).'),
    SUBGRAPH_TIMEOUT_MS: env.positiveInt(15_000).describe('A subgraph that has not answered within this long counts as unavailable for the request.'),
    CORS_ORIGINS: z.string().describe('Browser origins allowed to call /graphql, comma-separated (`*` for any); unset, none. No credentials: callers send bearer tokens.').optional(),
    INTROSPECTION_ROLES: z
      .string()
      .regex(/^(\*|[a-z_]+(,[a-z_]+)*)$/, 'must be * or a comma-separated list of roles')
      .describe('Roles that may introspect the schema (`*` for every caller); default every caller, and every role but partner with NODE_ENV=production.')
      .optional(),
    RATE_LIMITS_ENABLED: env.bool(true).describe('Per-caller budgets in requests and query cost (429 with Retry-After when spent).'),
    RATE_LIMITS: rateLimitsJson.describe(`Budgets per caller class (partner, a staff role, default) as JSON; default ${JSON.stringify(DEFAULT_RATE_LIMITS)}.`),
    RATE_LIMIT_REPLICAS: env.positiveInt(1).describe('Gateway replicas sharing the traffic: each enforces 1/N of every budget.'),
    SUBGRAPH_DEDUPE: env.bool(true).describe('Send identical in-flight queries of one caller to a subgraph once and share the answer (never between callers, never for mutations).'),
    SUBGRAPH_CONNECTIONS: env.positiveInt(64).describe('Keep-alive connections the gateway holds open to each subgraph.'),
    NATS_URL: z
      .string()
      .regex(/^(nats|tls):\/\//, 'must be a nats:// URL')
      .describe('JetStream for the complaint-event subscriptions over graphql-ws; unset, the gateway serves no subscriptions.')
      .optional(),
    OPERATIONS_PATH: z.string().min(1).describe('Folder of the .graphql operations the platform ships; their query plans are built at start (default: schema/operations).').optional(),
    SUPERGRAPH_PATH: z.string().min(1).describe('Supergraph file, watched: a new one is served without a restart (default: schema/supergraph.graphql, found by walking up from the gateway).').optional(),
    SUPERGRAPH_URL: httpUrl().describe('Supergraph served over HTTP instead of a file, polled every SUPERGRAPH_POLL_MS with If-None-Match.').optional(),
    SUPERGRAPH_POLL_MS: env.positiveInt(10_000).describe('How often the supergraph URL is polled, or the supergraph file checked besides the file watch.'),
    SUPERGRAPH_WATCH: env.bool(true).describe('Watch the supergraph file for changes (the poll still runs; off: poll only).'),
    SUPERGRAPH_DEBOUNCE_MS: env.positiveInt(250).describe('Quiet time after a change to the supergraph file before it is read.'),
    EXPLORER_ENABLED: z
      .enum(['true', 'false', '1', '0'])
      .transform((v) => v === 'true' || v === '1')
      .describe('Serve the GraphQL explorer (GraphiQL, bundled) to browsers opening GET /graphql; default on, off with NODE_ENV=production. Its requests are authenticated and limited like any other.')
      .optional(),
    EXPLORER_DIR: z.string().min(1).describe('Folder of the built explorer (default: dist/apps/explorer at the repository root, `npx nx build explorer`).').optional(),
    SUPERGRAPH_HEALTH_CHECK: env.bool(false).describe('Ask every subgraph of a new supergraph for its health before serving it (refused if one is down).'),
    ...subgraphUrlFields,
  })
  .superRefine(refineJwtConfig)
  .superRefine((config, ctx) => {
    if (config.SUPERGRAPH_PATH && config.SUPERGRAPH_URL) ctx.addIssue({ code: 'custom', path: ['SUPERGRAPH_URL'], message: 'set SUPERGRAPH_PATH or SUPERGRAPH_URL, not both' });
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/** Who may introspect: INTROSPECTION_ROLES, else everyone in development and every role but partner in production. */
export function introspectionRoles(config: GatewayConfig): '*' | Role[] {
  const configured = config.INTROSPECTION_ROLES;
  if (configured === '*') return '*';
  if (configured) return configured.split(',').filter((role): role is Role => (roles as readonly string[]).includes(role));
  return config.NODE_ENV === 'production' ? roles.filter((role) => role !== 'partner') : '*';
}

/** Subgraph URL overrides set through SUBGRAPH_*_URL, keyed by subgraph name. */
export function subgraphUrlsFromConfig(config: GatewayConfig): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [subgraph, variable] of Object.entries(SUBGRAPH_URL_VARIABLES)) {
    const url = config[variable];
    if (url) urls[subgraph] = url;
  }
  return urls;
}
