import { env, jwtConfigFields, jwtKeySourceRule, processConfigSchema } from '@crm/kernel';
import { z } from 'zod';

/** Env variable that overrides each subgraph's routing URL from the supergraph (e.g. per deployment). */
export const SUBGRAPH_URL_VARIABLES = {
  accounts: 'SUBGRAPH_ACCOUNTS_URL',
  engagement: 'SUBGRAPH_ENGAGEMENT_URL',
  'service-desk': 'SUBGRAPH_SERVICE_DESK_URL',
  surveys: 'SUBGRAPH_SURVEYS_URL',
  credit: 'SUBGRAPH_CREDIT_URL',
} as const;

type SubgraphUrlVariable = (typeof SUBGRAPH_URL_VARIABLES)[keyof typeof SUBGRAPH_URL_VARIABLES];

// Plain z.url() would accept `credit:4005` (a URL with scheme "credit:"), a likely typo for a host:port.
const httpUrl = () => env.url().regex(/^https?:\/\//, 'must be an http:// or https:// URL');

const subgraphUrlFields = Object.fromEntries(Object.values(SUBGRAPH_URL_VARIABLES).map((variable) => [variable, httpUrl().optional()])) as Record<
  SubgraphUrlVariable,
  z.ZodOptional<z.ZodString>
>;

/** Everything the gateway reads from its environment, validated once at start-up. */
export const gatewayConfigSchema = processConfigSchema
  .extend({
    PORT: env.port(4000),
    ...jwtConfigFields,
    /** Largest JSON body accepted on /graphql (100 KiB). */
    MAX_BODY_BYTES: env.positiveInt(100 * 1024),
    MAX_DEPTH: env.positiveInt(12),
    MAX_ALIASES: env.positiveInt(15),
    MAX_COST: env.positiveInt(5000),
    MAX_TOKENS: env.positiveInt(2000),
    /** A subgraph that has not answered within this long counts as unavailable for the request. */
    SUBGRAPH_TIMEOUT_MS: env.positiveInt(15_000),
    /** JetStream for the complaint-event subscriptions over graphql-ws; without it the gateway serves no subscriptions. */
    NATS_URL: z.string().regex(/^(nats|tls):\/\//, 'must be a nats:// URL').optional(),
    /** Supergraph file; default `schema/supergraph.graphql` found by walking up from this file. */
    SUPERGRAPH_PATH: z.string().min(1).optional(),
    ...subgraphUrlFields,
  })
  .refine(jwtKeySourceRule.check, { message: jwtKeySourceRule.message, path: ['JWT_SECRET'] });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/** Subgraph URL overrides set through SUBGRAPH_*_URL, keyed by subgraph name. */
export function subgraphUrlsFromConfig(config: GatewayConfig): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [subgraph, variable] of Object.entries(SUBGRAPH_URL_VARIABLES)) {
    const url = config[variable];
    if (url) urls[subgraph] = url;
  }
  return urls;
}
