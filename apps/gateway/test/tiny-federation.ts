import type { IncomingHttpHeaders } from 'node:http';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { DEV_JWT_SECRET, signDevToken } from '@crm/auth';
import { pageSize, type PageArgs } from '@crm/data';
import { createLogger, loadConfig, toGraphQLError } from '@crm/kernel';
import { GraphQLError, parse } from 'graphql';
import { startGateway, type GatewayOptions, type RunningGateway } from '../src/gateway';
import { gatewayConfigSchema } from '../src/gateway.config';

/** What a tiny subgraph saw of one request, so tests can prove what the gateway forwarded (or that it called nobody). */
export interface SubgraphCall {
  headers: IncomingHttpHeaders;
}

export interface TinySubgraph {
  name: string;
  url: string;
  typeDefs: string;
  calls: SubgraphCall[];
  stop(): Promise<void>;
}

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

const PEOPLE = [
  { id: 'p1', name: 'Ada', friendIds: ['p2'] },
  { id: 'p2', name: 'Grace', friendIds: ['p1'] },
];
const ORDERS = [
  { id: 'o1', personId: 'p1', total: 120 },
  { id: 'o2', personId: 'p1', total: 80 },
];

/**
 * `people` owns Person; `orders` contributes Person.orders (the entity crosses both subgraphs). `peoplePage` pages as
 * every connection of the platform does (libs/data's pageSize, the kernel's error mapping).
 */
const peopleSubgraph = {
  name: 'people',
  typeDefs: `${FEDERATION_LINK}
    type Query { person(id: ID!): Person, people: [Person!]!, peoplePage(first: Int = 50, after: String): PersonConnection! }
    type Person @key(fields: "id") { id: ID! name: String! friends: [Person!]! }
    type PersonConnection { edges: [PersonEdge!]! totalCount: Int! }
    type PersonEdge { cursor: String! node: Person! }`,
  resolvers: {
    Query: {
      person: (_: unknown, { id }: { id: string }) => PEOPLE.find((p) => p.id === id) ?? null,
      people: () => PEOPLE,
      peoplePage: (_: unknown, args: PageArgs) => {
        let first: number;
        try {
          first = pageSize(args);
        } catch (error) {
          throw toGraphQLError(error);
        }
        return { edges: PEOPLE.slice(0, first).map((person) => ({ cursor: person.id, node: person })), totalCount: PEOPLE.length };
      },
    },
    Person: {
      __resolveReference: ({ id }: { id: string }) => PEOPLE.find((p) => p.id === id),
      friends: (person: (typeof PEOPLE)[number]) => PEOPLE.filter((p) => person.friendIds.includes(p.id)),
    },
  },
};

const ordersSubgraph = {
  name: 'orders',
  typeDefs: `${FEDERATION_LINK}
    type Query { order(id: ID!): Order, slowOrder: Order }
    type Order { id: ID! total: Int! }
    type Person @key(fields: "id") { id: ID! orders: [Order!] }`,
  resolvers: {
    Query: {
      order: (_: unknown, { id }: { id: string }) => {
        const order = ORDERS.find((o) => o.id === id);
        if (!order) throw new GraphQLError(`Order ${id} not found`, { extensions: { code: 'NOT_FOUND', entity: 'Order', id } });
        return order;
      },
      // Answers long after any test's subgraph timeout.
      slowOrder: () => new Promise((resolve) => setTimeout(() => resolve(ORDERS[0]), 3000).unref()),
    },
    Person: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      orders: ({ id }: { id: string }) => ORDERS.filter((o) => o.personId === id),
    },
  },
};

async function startSubgraph(definition: typeof peopleSubgraph | typeof ordersSubgraph): Promise<TinySubgraph> {
  const calls: SubgraphCall[] = [];
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: parse(definition.typeDefs), resolvers: definition.resolvers as never }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: 0 },
    context: async ({ req }) => {
      calls.push({ headers: req.headers });
      return {};
    },
  });
  return { name: definition.name, url, typeDefs: definition.typeDefs, calls, stop: () => server.stop() };
}

export async function startTinySubgraphs(): Promise<{ people: TinySubgraph; orders: TinySubgraph }> {
  const [people, orders] = await Promise.all([startSubgraph(peopleSubgraph), startSubgraph(ordersSubgraph)]);
  return { people, orders };
}

/** Compose the tiny subgraphs as CI composes the real ones; `urls` replaces their routing URLs. */
export function composeTinySupergraph(subgraphs: TinySubgraph[], urls: Record<string, string> = {}): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: urls[s.name] ?? s.url, typeDefs: parse(s.typeDefs) })));
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.supergraphSdl;
}

/** Gateway in-process on a free port, with the dev secret and quiet logs; `env` overrides any setting. */
export function startTestGateway(supergraphSdl: string, env: Record<string, string> = {}, options: Partial<GatewayOptions> = {}): Promise<RunningGateway> {
  const config = loadConfig(gatewayConfigSchema, { HOST: '127.0.0.1', PORT: '0', JWT_SECRET: DEV_JWT_SECRET, LOG_LEVEL: 'silent', ...env });
  return startGateway({ config, supergraphSdl, logger: createLogger('gateway-test', 'silent'), ...options });
}

export function devToken(expiresIn = '5m'): Promise<string> {
  return signDevToken({ sub: 'u-123', roles: ['general_manager'], department_id: 'D1', name: 'Test Manager' }, { secret: DEV_JWT_SECRET, expiresIn });
}

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  };
}

/** POST a GraphQL operation the way a client would. */
export async function postGraphQL(
  gateway: RunningGateway,
  query: string,
  { token, headers = {}, variables }: { token?: string; headers?: Record<string, string>; variables?: Record<string, unknown> } = {},
): Promise<GraphQLResponse> {
  return postRaw(gateway, JSON.stringify({ query, variables }), { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) });
}

export async function postRaw(gateway: RunningGateway, body: string, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const response = await fetch(gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
}

/** The codes of a response's errors, in order. */
export function errorCodes(response: GraphQLResponse): unknown[] {
  return (response.body.errors ?? []).map((e) => e.extensions?.code);
}
