import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// Not re-exported from the package root; the kind only decides which request context fields are required.
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import type { Caller } from '@crm/auth';
import { createLogger } from '@crm/kernel';
import { GraphQLError } from 'graphql';
import { SubgraphDataSource } from '../src/subgraph-data-source';

const caller: Caller = { userId: 'u-1', roles: ['consultant'], token: 'the.jwt.token' };

/** A fake subgraph answering every request with the given status, content type and body. */
async function fakeSubgraph(status: number, contentType: string, body: string) {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    res.writeHead(status, { 'content-type': contentType }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function send(source: SubgraphDataSource) {
  return source.process({
    kind: GraphQLDataSourceRequestKind.HEALTH_CHECK,
    request: { query: '{ __typename }' },
    context: { caller, requestId: 'req-42', logger: createLogger('test', 'silent') },
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<GraphQLError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  return error as GraphQLError;
}

describe('SubgraphDataSource', () => {
  it('sends the caller token as a bearer token and the request id', async () => {
    const subgraph = await fakeSubgraph(200, 'application/json', '{"data":{"__typename":"Query"}}');
    try {
      const response = await send(new SubgraphDataSource({ name: 'accounts', url: subgraph.url, timeoutMs: 1000 }));
      expect(response.data).toEqual({ __typename: 'Query' });
      expect(subgraph.seen[0].authorization).toBe('Bearer the.jwt.token');
      expect(subgraph.seen[0]['x-request-id']).toBe('req-42');
    } finally {
      await subgraph.close();
    }
  });

  it("keeps the subgraph's own GraphQL error when it answers with a non-2xx status", async () => {
    const body = JSON.stringify({ errors: [{ message: 'Invalid token: expired', extensions: { code: 'UNAUTHENTICATED' } }] });
    const subgraph = await fakeSubgraph(401, 'application/json', body);
    try {
      const error = await rejectionOf(send(new SubgraphDataSource({ name: 'accounts', url: subgraph.url, timeoutMs: 1000 })));
      expect(error.message).toBe('Invalid token: expired');
      expect(error.extensions).toEqual({ code: 'UNAUTHENTICATED', serviceName: 'accounts' });
    } finally {
      await subgraph.close();
    }
  });

  it('reports a 5xx without a GraphQL body as UNAVAILABLE', async () => {
    const subgraph = await fakeSubgraph(502, 'text/html', '<h1>Bad Gateway</h1>');
    try {
      const error = await rejectionOf(send(new SubgraphDataSource({ name: 'credit', url: subgraph.url, timeoutMs: 1000 })));
      expect(error.extensions).toEqual({ code: 'UNAVAILABLE', serviceName: 'credit' });
    } finally {
      await subgraph.close();
    }
  });

  it('reports a 200 that is not JSON as UNAVAILABLE', async () => {
    const subgraph = await fakeSubgraph(200, 'text/plain', 'hello');
    try {
      const error = await rejectionOf(send(new SubgraphDataSource({ name: 'surveys', url: subgraph.url, timeoutMs: 1000 })));
      expect(error.extensions.code).toBe('UNAVAILABLE');
    } finally {
      await subgraph.close();
    }
  });

  it('reports a refused connection as UNAVAILABLE without the URL in the message', async () => {
    const error = await rejectionOf(send(new SubgraphDataSource({ name: 'engagement', url: 'http://127.0.0.1:9/graphql', timeoutMs: 1000 })));
    expect(error.message).toBe('The engagement service is unavailable; try again shortly');
    expect(error.extensions).toEqual({ code: 'UNAVAILABLE', serviceName: 'engagement' });
  });
});
