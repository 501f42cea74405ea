import { randomBytes } from 'node:crypto';
import { DEV_JWT_SECRET, signDevToken, type CrmClaims } from '@crm/auth';

/** Env for a service booted in-process by a test: real servers from globalSetup, its own fresh database. */
export function testServiceEnv(service: string, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const mongoUrl = process.env.MONGO_URL;
  const natsUrl = process.env.NATS_URL;
  if (!mongoUrl || !natsUrl) throw new Error('MONGO_URL/NATS_URL are not set: run tests through Jest (its globalSetup starts the servers)');
  const database = uniqueDatabaseName(service);
  return {
    MONGO_URL: mongoUrl,
    NATS_URL: natsUrl,
    MONGO_DB: database,
    NATS_DURABLE_SUFFIX: `-${database}`,
    JWT_SECRET: DEV_JWT_SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OUTBOX_POLL_MS: '200',
    ...overrides,
  };
}

export function uniqueDatabaseName(service: string): string {
  return `test_${service.replace(/-/g, '_')}_${randomBytes(4).toString('hex')}`;
}

export function tokenFor(claims: Partial<CrmClaims> & Pick<CrmClaims, 'roles'>): Promise<string> {
  return signDevToken({ sub: claims.sub ?? `user-${claims.roles[0]}`, ...claims }, { secret: DEV_JWT_SECRET });
}

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** POST a GraphQL operation the way a client does. */
export async function graphql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url.endsWith('/graphql') ? url : `${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  return { ...body, status: response.status };
}

/** A refused read as a client tells it apart: where, which code, and the approval that would open it. */
export interface Refusal {
  path: (string | number)[] | undefined;
  code: unknown;
  requiredApproval: unknown;
}

export function refusalsOf(response: GraphQLResponse): Refusal[] {
  return (response.errors ?? []).map((error) => ({ path: error.path, code: error.extensions?.code, requiredApproval: error.extensions?.requiredApproval ?? null }));
}

/** The refusals of `response` as they would read at other paths (a root field's, told at an entity's path). */
export function refusalsAt(response: GraphQLResponse, ...paths: (string | number)[][]): Refusal[] {
  return refusalsOf(response).flatMap((refusal) => paths.map((path) => ({ ...refusal, path })));
}
