// Complaint-event subscriptions through the gateway: a real graphql-ws client, a real NATS (from the Jest globalSetup)
// and two tiny subgraphs that play service-desk (tickets, with an access rule) and accounts (customers).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createTokenVerifier, DEV_JWT_SECRET, signDevToken, type CrmClaims } from '@crm/auth';
import { streamFor } from '@crm/contracts';
import { GraphQLError, parse } from 'graphql';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import WebSocket from 'ws';
import { loadConfig } from '@crm/kernel';
import { freePort, startLocalNats, type LocalServer } from '@crm/testing';
import type { RunningGateway } from '../src/gateway';
import { encodeComplaintCursor as encodeCursor } from '@crm/contracts';
import { gatewayConfigSchema } from '../src/gateway.config';
import { composeTinySupergraph, postGraphQL, startTestGateway, type TinySubgraph } from './tiny-federation';

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
const STREAM = streamFor('service-desk').name;

interface DeskTicket {
  id: string;
  customerId: string;
  ownerId: string;
  severity: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  matter: string;
  /** Refuse a caller who may not see it with this error code, as the platform's rule for a denied read does, instead of null. */
  deniedWith?: 'NOT_FOUND' | 'FORBIDDEN';
}

/** What the tiny service-desk saw: the token of every ticket lookup, and a switch to make it fail. */
interface Desk extends TinySubgraph {
  tickets: Map<string, DeskTicket>;
  tokens: string[];
  failing: boolean;
}

const verify = createTokenVerifier({ JWT_SECRET: DEV_JWT_SECRET, JWT_ISSUER: 'crm-platform', JWT_AUDIENCE: 'crm-graph' });

async function startDesk(): Promise<Desk> {
  const tickets = new Map<string, DeskTicket>();
  const tokens: string[] = [];
  const typeDefs = `${FEDERATION_LINK}
    enum Severity { LOW MEDIUM HIGH CRITICAL }
    type Ticket @key(fields: "id") { id: ID! severity: Severity! matter: String! customer: Customer! internalNote: String }
    type Customer @key(fields: "id") { id: ID! }
    type Query { ticket(id: ID!): Ticket }`;
  // The access rule of the real service-desk, in small: internal apps see every ticket, a consultant their customers'.
  const canSee = (roles: string[], userId: string, ticket: DeskTicket) => roles.includes('internal_app') || ticket.ownerId === userId;
  const desk = { tickets, tokens, failing: false } as Desk;
  const server = new ApolloServer<{ userId: string; roles: string[] }>({
    schema: buildSubgraphSchema({
      typeDefs: parse(typeDefs),
      resolvers: {
        Query: {
          ticket: (_: unknown, { id }: { id: string }, { userId, roles }: { userId: string; roles: string[] }) => {
            if (desk.failing) throw new Error('desk database unreachable');
            const ticket = tickets.get(id);
            if (ticket && !canSee(roles, userId, ticket) && ticket.deniedWith) throw new GraphQLError(`Ticket ${id}: not yours`, { extensions: { code: ticket.deniedWith } });
            return ticket && canSee(roles, userId, ticket) ? ticket : null;
          },
        },
        Ticket: {
          customer: (ticket: DeskTicket) => ({ id: ticket.customerId }),
          internalNote: () => {
            throw new GraphQLError('Only managers read internal notes', { extensions: { code: 'FORBIDDEN' } });
          },
        },
      } as never,
    }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: 0 },
    context: async ({ req }) => {
      const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      tokens.push(token);
      const caller = await verify(token);
      return { userId: caller.userId, roles: caller.roles };
    },
  });
  return Object.assign(desk, { name: 'desk', url, typeDefs, calls: [], stop: () => server.stop() });
}

async function startAccounts(): Promise<TinySubgraph> {
  const typeDefs = `${FEDERATION_LINK}
    type Customer @key(fields: "id") { id: ID! name: String! }
    type Query { customerCount: Int! }`;
  const server = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(typeDefs),
      resolvers: { Query: { customerCount: () => 0 }, Customer: { name: ({ id }: { id: string }) => `Customer ${id.slice(-4)}` } } as never,
    }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return { name: 'accounts', url, typeDefs, calls: [], stop: () => server.stop() };
}

const hex24 = () => randomBytes(12).toString('hex');
const token = (claims: Partial<CrmClaims> & Pick<CrmClaims, 'roles'>, expiresIn = '5m') =>
  signDevToken({ sub: claims.sub ?? `app-${claims.roles[0]}`, ...claims }, { secret: DEV_JWT_SECRET, expiresIn });

/** A real graphql-ws client; no retries, so a refusal surfaces as the close event. */
function wsClient(gateway: RunningGateway, bearer?: string, onClosed?: (event: unknown) => void): Client {
  return createClient({
    url: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: bearer ? { authorization: `Bearer ${bearer}` } : undefined,
    retryAttempts: 0,
    on: onClosed ? { closed: onClosed } : undefined,
  });
}

type Result = FormattedExecutionResult<Record<string, any>, unknown>;

/** One subscription's results as a queue the test can await, with a short timeout. */
function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: Result[] = [];
  const waiting: ((result: Result) => void)[] = [];
  let ended: { error?: unknown } | undefined;
  const endWaiters: (() => void)[] = [];
  const end = (state: { error?: unknown }) => {
    ended = state;
    endWaiters.splice(0).forEach((resolve) => resolve());
  };
  const dispose = client.subscribe<Record<string, any>>(
    { query, variables },
    {
      next: (result) => (waiting.length > 0 ? waiting.shift()!(result) : results.push(result)),
      error: (error) => end({ error }),
      complete: () => end({}),
    },
  );
  return {
    dispose,
    next(timeoutMs = 5000): Promise<Result> {
      if (results.length > 0) return Promise.resolve(results.shift()!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no result within ${timeoutMs} ms (ended: ${JSON.stringify(ended)})`)), timeoutMs);
        waiting.push((result) => {
          clearTimeout(timer);
          resolve(result);
        });
      });
    },
    ended(timeoutMs = 5000): Promise<{ error?: unknown }> {
      if (ended) return Promise.resolve(ended);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms`)), timeoutMs);
        endWaiters.push(() => {
          clearTimeout(timer);
          resolve(ended!);
        });
      });
    },
    pending: () => results.length,
  };
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function metricValue(gateway: RunningGateway, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await gateway.registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value));
  return match?.value ?? 0;
}

const EVENTS = `subscription Complaints($filter: ComplaintEventFilter, $after: String) {
  complaintEvents(filter: $filter, after: $after) { id cursor type occurredAt ticket { id severity matter customer { id name } } }
}`;

describe('gateway: complaint subscriptions over graphql-ws', () => {
  let desk: Desk;
  let accounts: TinySubgraph;
  let gateway: RunningGateway;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let internalApp: string;
  const clients: Client[] = [];

  const openClient = (bearer?: string, onClosed?: (event: unknown) => void) => {
    const client = wsClient(gateway, bearer, onClosed);
    clients.push(client);
    return client;
  };

  /** Resolves once the gateway runs `count` subscriptions, i.e. their consumers are positioned. */
  const subscriptionsRunning = (count: number) => waitFor(async () => (await metricValue(gateway, 'gateway_subscriptions_active')) === count, `${count} running subscriptions`);

  /** Store a ticket in the tiny service-desk and publish its complaint event as service-desk's outbox would. */
  async function complaint(type: string, ticket: Partial<DeskTicket> = {}): Promise<{ eventId: string; ticket: DeskTicket }> {
    const stored: DeskTicket = { id: hex24(), customerId: hex24(), ownerId: 'c-owner', severity: 'HIGH', matter: 'Valve cracked', ...ticket };
    desk.tickets.set(stored.id, stored);
    const eventId = randomUUID();
    const subject = `crm.service-desk.complaint.${type}`;
    const occurredAt = new Date().toISOString();
    const event = {
      specversion: '1.0',
      id: eventId,
      source: '/crm/service-desk',
      type: subject,
      subject: stored.id,
      time: occurredAt,
      datacontenttype: 'application/json',
      dataschema: `urn:crm:event:${subject}:v1`,
      actorid: 'agent-1',
      actorroles: 'service_agent',
      data: { ticketId: stored.id, customerId: stored.customerId, status: 'RECEIVED', severity: stored.severity, occurredAt },
    };
    await js.publish(subject, Buffer.from(JSON.stringify(event)), { msgID: eventId });
    return { eventId, ticket: stored };
  }

  beforeAll(async () => {
    [desk, accounts] = await Promise.all([startDesk(), startAccounts()]);
    gateway = await startTestGateway(composeTinySupergraph([desk, accounts]), { NATS_URL: process.env.NATS_URL! });
    nc = await connect({ servers: process.env.NATS_URL! });
    js = nc.jetstream();
    internalApp = await token({ sub: 'app-complaints-board', roles: ['internal_app'] });
  });

  afterEach(async () => {
    desk.failing = false;
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await subscriptionsRunning(0);
  });

  afterAll(async () => {
    await nc?.drain();
    await gateway?.stop();
    await Promise.all([desk?.stop(), accounts?.stop()]);
  });

  it('delivers a complaint event with the selected ticket fields resolved across subgraphs', async () => {
    const subscription = subscribe(openClient(internalApp), EVENTS);
    await subscriptionsRunning(1);
    const { eventId, ticket } = await complaint('opened', { severity: 'CRITICAL' });

    const { data, errors } = await subscription.next();
    expect(errors).toBeUndefined();
    expect(data?.complaintEvents).toEqual({
      id: eventId,
      cursor: expect.any(String),
      type: 'opened',
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      ticket: { id: ticket.id, severity: 'CRITICAL', matter: 'Valve cracked', customer: { id: ticket.customerId, name: `Customer ${ticket.customerId.slice(-4)}` } },
    });
  });

  it("reads the ticket with the subscriber's own token", async () => {
    const subscription = subscribe(openClient(internalApp), 'subscription { complaintEvents { id } }');
    await subscriptionsRunning(1);
    desk.tokens.length = 0;
    const { eventId } = await complaint('opened');
    expect((await subscription.next()).data?.complaintEvents).toEqual({ id: eventId });
    expect(desk.tokens).toContain(internalApp);
  });

  it('never sends an event about a ticket the subscriber may not query, and keeps the order of the rest', async () => {
    const consultant = await token({ sub: 'c-owner', roles: ['consultant'], department_id: 'D1' });
    const mine = subscribe(openClient(consultant), 'subscription { complaintEvents { ticket { id } } }');
    const all = subscribe(openClient(internalApp), 'subscription { complaintEvents { ticket { id } } }');
    await subscriptionsRunning(2);
    const before = await metricValue(gateway, 'gateway_subscription_events_filtered_total', { reason: 'not_visible' });

    const other = await complaint('opened', { ownerId: 'c-someone-else' });
    const own = await complaint('opened', { ownerId: 'c-owner' });

    // Stream order: receiving the second event proves the first was handled, and dropped, for this subscriber.
    expect((await mine.next()).data?.complaintEvents.ticket.id).toBe(own.ticket.id);
    expect((await all.next()).data?.complaintEvents.ticket.id).toBe(other.ticket.id);
    expect((await all.next()).data?.complaintEvents.ticket.id).toBe(own.ticket.id);
    expect(mine.pending()).toBe(0);
    expect(await metricValue(gateway, 'gateway_subscription_events_filtered_total', { reason: 'not_visible' })).toBeGreaterThanOrEqual(before + 1);
  });

  it('drops an event whose ticket read is refused with NOT_FOUND or FORBIDDEN, as one answered null', async () => {
    const consultant = await token({ sub: 'c-owner', roles: ['consultant'], department_id: 'D1' });
    const mine = subscribe(openClient(consultant), 'subscription { complaintEvents { ticket { id } } }');
    await subscriptionsRunning(1);
    await complaint('opened', { ownerId: 'c-someone-else', deniedWith: 'NOT_FOUND' });
    await complaint('opened', { ownerId: 'c-someone-else', deniedWith: 'FORBIDDEN' });
    const own = await complaint('opened', { ownerId: 'c-owner' });
    expect(await mine.next()).toEqual({ data: { complaintEvents: { ticket: { id: own.ticket.id } } } });
    expect(mine.pending()).toBe(0);
  });

  it('applies the access check even when the subscriber selects no ticket field', async () => {
    const consultant = await token({ sub: 'c-owner', roles: ['consultant'] });
    const subscription = subscribe(openClient(consultant), 'subscription { complaintEvents { id type } }');
    await subscriptionsRunning(1);
    await complaint('opened', { ownerId: 'c-someone-else' });
    const own = await complaint('resolved', { ownerId: 'c-owner' });
    expect((await subscription.next()).data?.complaintEvents).toEqual({ id: own.eventId, type: 'resolved' });
  });

  it('filters by event type, severity and customer', async () => {
    const customerId = hex24();
    const byType = subscribe(openClient(internalApp), EVENTS, { filter: { types: ['opened'] } });
    const bySeverity = subscribe(openClient(internalApp), EVENTS, { filter: { severities: ['CRITICAL'] } });
    const byCustomer = subscribe(openClient(internalApp), EVENTS, { filter: { customerIds: [customerId] } });
    await subscriptionsRunning(3);

    const resolved = await complaint('resolved', { severity: 'LOW' });
    const critical = await complaint('escalated', { severity: 'CRITICAL' });
    const forCustomer = await complaint('opened', { severity: 'LOW', customerId });

    expect((await byType.next()).data?.complaintEvents.id).toBe(forCustomer.eventId);
    expect((await bySeverity.next()).data?.complaintEvents.id).toBe(critical.eventId);
    expect((await byCustomer.next()).data?.complaintEvents.id).toBe(forCustomer.eventId);
    expect(resolved.eventId).toEqual(expect.any(String));
  });

  it('resumes after the last cursor without gaps: the events missed while away arrive, in order, and nothing twice', async () => {
    const first = subscribe(openClient(internalApp), EVENTS);
    await subscriptionsRunning(1);
    const e1 = await complaint('opened');
    const received = (await first.next()).data?.complaintEvents;
    expect(received.id).toBe(e1.eventId);
    first.dispose();
    await subscriptionsRunning(0);

    const e2 = await complaint('escalated');
    const e3 = await complaint('resolved');

    const resumed = subscribe(openClient(internalApp), EVENTS, { after: received.cursor });
    const a = (await resumed.next()).data?.complaintEvents;
    const b = (await resumed.next()).data?.complaintEvents;
    expect([a.id, a.type, b.id, b.type]).toEqual([e2.eventId, 'escalated', e3.eventId, 'resolved']);
    expect(resumed.pending()).toBe(0);
  });

  it('resolves aliases, fragments, variables and @include in the ticket selection as a query would', async () => {
    const subscription = subscribe(
      openClient(internalApp),
      `subscription Board($withCustomer: Boolean!) {
        complaintEvents { eventId: id ...Ticketed }
      }
      fragment Ticketed on ComplaintEvent {
        case: ticket { ref: id level: severity ... on Ticket { customer @include(if: $withCustomer) { ...Named } } }
        plain: ticket { matter }
      }
      fragment Named on Customer { who: name }`,
      { withCustomer: true },
    );
    await subscriptionsRunning(1);
    const { eventId, ticket } = await complaint('opened', { severity: 'MEDIUM', matter: 'Late delivery' });
    const { data, errors } = await subscription.next();
    expect(errors).toBeUndefined();
    expect(data?.complaintEvents).toEqual({
      eventId,
      case: { ref: ticket.id, level: 'MEDIUM', customer: { who: `Customer ${ticket.customerId.slice(-4)}` } },
      plain: { matter: 'Late delivery' },
    });
  });

  it("passes a subgraph's field error through, next to the ticket data that resolved", async () => {
    const subscription = subscribe(openClient(internalApp), 'subscription { complaintEvents { ticket { id internalNote } } }');
    await subscriptionsRunning(1);
    const { ticket } = await complaint('opened');
    const { data, errors } = await subscription.next();
    expect(data?.complaintEvents.ticket).toEqual({ id: ticket.id, internalNote: null });
    expect(errors).toEqual([
      expect.objectContaining({ message: 'Only managers read internal notes', path: ['complaintEvents', 'ticket', 'internalNote'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
  });

  it('ends the subscription with UNAVAILABLE and a resume cursor when the ticket cannot be read, and resuming delivers that event', async () => {
    const subscription = subscribe(openClient(internalApp), EVENTS);
    await subscriptionsRunning(1);
    desk.failing = true;
    const { eventId } = await complaint('opened');

    const { data, errors } = await subscription.next();
    expect(data).toBeNull();
    expect(errors?.[0].extensions).toEqual({ code: 'UNAVAILABLE', resumeAfter: expect.any(String) });
    expect(await subscription.ended()).toEqual({});

    desk.failing = false;
    const resumed = subscribe(openClient(internalApp), EVENTS, { after: errors![0].extensions!.resumeAfter });
    expect((await resumed.next()).data?.complaintEvents.id).toBe(eventId);
  });

  it('refuses a connection without a token, with a malformed header, or with a bad token: 4403 UNAUTHENTICATED', async () => {
    const expired = await token({ roles: ['internal_app'] }, '-1m');
    // The signature's first character changes its bytes; its last one may differ only in base64url padding bits.
    const [header, payload, signature] = (await token({ roles: ['internal_app'] })).split('.');
    const forged = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    for (const [bearer, reason] of [
      [undefined, 'UNAUTHENTICATED: Authentication required'],
      [expired, 'UNAUTHENTICATED: the token has expired'],
      [forged, 'UNAUTHENTICATED: the token is invalid'],
    ] as const) {
      const subscription = subscribe(openClient(bearer), 'subscription { complaintEvents { id } }');
      const { error } = await subscription.ended();
      expect(error).toMatchObject({ code: 4403, reason: expect.stringContaining(reason) });
    }
    const malformed = createClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: 'Basic abc' } });
    clients.push(malformed);
    expect((await subscribe(malformed, 'subscription { complaintEvents { id } }').ended()).error).toMatchObject({ code: 4403 });
  });

  it('closes the connection, and so the subscription, when the token expires', async () => {
    const shortLived = await token({ roles: ['internal_app'] }, '2s');
    let connected = false;
    const client = createClient({
      url: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${shortLived}` },
      on: { connected: () => (connected = true) },
    });
    clients.push(client);
    const subscription = subscribe(client, 'subscription { complaintEvents { id } }');
    await subscriptionsRunning(1);
    expect(connected).toBe(true);
    const { error } = await subscription.ended(4000);
    expect(error).toMatchObject({ code: 4403, reason: 'UNAUTHENTICATED: the token has expired' });
    await subscriptionsRunning(0);
  });

  it('applies the query limits and rules to subscription documents, with the HTTP error codes', async () => {
    const client = openClient(internalApp);
    const errorsOf = async (query: string, variables: Record<string, unknown> = {}) => {
      const subscription = subscribe(client, query, variables);
      const { error } = await subscription.ended();
      if (error) return (error as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code);
      return (await subscription.next(100).catch(() => ({ errors: [] }) as Result)).errors?.map((e) => e.extensions?.code);
    };
    const deep = 'subscription { complaintEvents { ticket { customer { id } } } }';
    const tooDeep = await startTestGateway(composeTinySupergraph([desk, accounts]), { NATS_URL: process.env.NATS_URL!, MAX_DEPTH: '3', MAX_COST: '1' });
    try {
      const limited = wsClient(tooDeep, internalApp);
      clients.push(limited);
      expect((await subscribe(limited, deep).ended()).error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_DEEP', limit: 3 }) })]);
      // The event (1) and its ticket (1).
      expect((await subscribe(limited, 'subscription { complaintEvents { ticket { id } } }').ended()).error).toEqual([
        expect.objectContaining({ message: 'Query cost 2 exceeds the limit of 1', extensions: { code: 'QUERY_TOO_COMPLEX', cost: 2, limit: 1 } }),
      ]);
    } finally {
      await tooDeep.stop();
    }
    expect(await errorsOf('subscription { complaintEvents { nope } }')).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(await errorsOf('subscription { complaintEvents { id ')).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(await errorsOf('query { ticket(id: "x") { id } }')).toEqual(['BAD_REQUEST']);
    expect(await errorsOf(`subscription { complaintEvents { ${'id '.repeat(2100)} } }`)).toEqual(['TOO_MANY_TOKENS']);
    expect(await errorsOf('subscription { complaintEvents(after: "not-a-cursor") { id } }')).toEqual(['BAD_USER_INPUT']);
    expect(await errorsOf('subscription($a: String) { complaintEvents(after: $a) { id } }', { a: encodeCursor(STREAM, 1e12) })).toEqual(['BAD_USER_INPUT']);
    expect(await errorsOf('subscription { complaintEvents(filter: { types: ["sla_breached"] }) { id } }')).toEqual(['BAD_USER_INPUT']);
    expect(await errorsOf('subscription($f: ComplaintEventFilter) { complaintEvents(filter: $f) { id } }', { f: { severities: ['HUGE'] } })).toEqual(['BAD_USER_INPUT']);
  });

  it('shows the subscription in introspection over HTTP, also next to fields the subgraphs answer', async () => {
    const introspection = await postGraphQL(gateway, '{ __schema { subscriptionType { name fields { name } } } }', { token: internalApp });
    expect(introspection.body.data).toEqual({ __schema: { subscriptionType: { name: 'Subscription', fields: [{ name: 'complaintEvents' }] } } });

    const mixed = await postGraphQL(gateway, '{ filter: __type(name: "ComplaintEventFilter") { inputFields { name } } customerCount __typename }', { token: internalApp });
    expect(mixed.body.data).toEqual({ filter: { inputFields: [{ name: 'types' }, { name: 'severities' }, { name: 'customerIds' }] }, customerCount: 0, __typename: 'Query' });
    expect(Object.keys(mixed.body.data!)).toEqual(['filter', 'customerCount', '__typename']);
  });

  it('caps the subscriptions one socket may hold', async () => {
    const client = openClient(internalApp);
    for (let i = 0; i < 10; i += 1) subscribe(client, 'subscription { complaintEvents { id } }');
    await subscriptionsRunning(10);
    const { error } = await subscribe(client, 'subscription { complaintEvents { id } }').ended();
    expect(error).toEqual([expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 10 } })]);
  });

  it('hides "Did you mean" suggestions from validation errors, as over HTTP', async () => {
    const subscription = subscribe(openClient(internalApp), 'subscription { complaintEvents { ticket { matte } } }');
    const { error } = await subscription.ended();
    expect((error as { message: string }[])[0].message).not.toMatch(/Did you mean/);
  });

  it('reports the NATS connection and counts subscriptions, deliveries and drops in /metrics, without gating /readyz on NATS', async () => {
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { supergraph: true, accepting: true }, details: { subgraphs: expect.any(Array) } });
    expect(await metricValue(gateway, 'gateway_subscriptions_nats_connected')).toBe(1);

    const delivered = await metricValue(gateway, 'gateway_subscription_events_delivered_total');
    const subscription = subscribe(openClient(internalApp), 'subscription { complaintEvents(filter: { types: ["opened"] }) { id } }');
    await subscriptionsRunning(1);
    // Sockets of earlier tests may still be closing on the server side.
    await waitFor(async () => (await metricValue(gateway, 'gateway_websocket_connections')) === 1, 'one open socket');
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(/gateway_subscriptions_active\{service="gateway"\} 1/);
    expect(text).toMatch(/gateway_websocket_connections\{service="gateway"\} 1/);
    await complaint('closed');
    await complaint('opened');
    await subscription.next();
    expect(await metricValue(gateway, 'gateway_subscription_events_delivered_total')).toBeGreaterThanOrEqual(delivered + 1);
    expect(await metricValue(gateway, 'gateway_subscription_events_filtered_total', { reason: 'type' })).toBeGreaterThanOrEqual(1);
  });

  /** This gateway's consumers on the complaint stream, as the JetStream server lists them. */
  const ourConsumers = async () => {
    const jsm = await nc.jetstreamManager();
    return (await jsm.consumers.list(STREAM).next()).filter((c) => c.name.startsWith(`gateway_${gateway.subscriptions!.instanceId}_`));
  };

  it('removes its JetStream consumer when the last subscriber completes', async () => {
    const subscription = subscribe(openClient(internalApp), 'subscription { complaintEvents { id } }');
    await subscriptionsRunning(1);
    expect(await ourConsumers()).toHaveLength(1);
    subscription.dispose();
    await waitFor(async () => (await ourConsumers()).length === 0, 'the consumer to be deleted');
  });

  it('feeds any number of subscribers from one JetStream consumer, started by the first and removed after the last', async () => {
    const consultant = await token({ sub: 'c-owner', roles: ['consultant'], department_id: 'D1' });
    const sockets = [openClient(internalApp), openClient(internalApp), openClient(consultant)];
    const subscriptions = Array.from({ length: 12 }, (_, i) => subscribe(sockets[i % 3], 'subscription { complaintEvents { id ticket { id } } }'));
    await subscriptionsRunning(12);
    const consumers = await ourConsumers();
    expect(consumers).toHaveLength(1);
    expect(consumers[0].name).toMatch(/_shared_/);
    expect(gateway.subscriptions!.hub.busConsumers).toBe(1);
    expect(gateway.subscriptions!.hub.memberCount).toBe(12);
    expect(await metricValue(gateway, 'gateway_subscriptions_bus_consumers')).toBe(1);

    const { eventId } = await complaint('opened', { ownerId: 'c-owner' });
    for (const subscription of subscriptions) expect((await subscription.next()).data?.complaintEvents.id).toBe(eventId);

    subscriptions.slice(1).forEach((subscription) => subscription.dispose());
    await subscriptionsRunning(1);
    expect(await ourConsumers()).toHaveLength(1);
    subscriptions[0].dispose();
    await waitFor(async () => (await ourConsumers()).length === 0 && gateway.subscriptions!.hub.busConsumers === 0, 'the shared consumer to be deleted');
  });

  it('shares one lookup per event between subscribers of the same identity and query, never between two identities', async () => {
    const otherApp = await token({ sub: 'app-quality-board', roles: ['internal_app'] });
    const [a1, a2, b1] = [openClient(internalApp), openClient(internalApp), openClient(otherApp)];
    const query = 'subscription { complaintEvents { id ticket { id severity } } }';
    const first = [subscribe(a1, query), subscribe(a1, query), subscribe(a2, query)];
    const second = [subscribe(b1, query), subscribe(b1, query)];
    // The same identity with another ticket selection is a lookup of its own (its answer has other fields).
    const otherQuery = subscribe(a2, 'subscription { complaintEvents { id ticket { matter } } }');
    await subscriptionsRunning(6);
    const shared = await metricValue(gateway, 'gateway_subscription_lookups_shared_total');
    desk.tokens.length = 0;

    const { eventId } = await complaint('opened');
    for (const subscription of [...first, ...second, otherQuery]) expect((await subscription.next()).data?.complaintEvents.id).toBe(eventId);

    // Lookups counted where they arrive, per identity: one per identity and query, whatever the subscriber count.
    const perToken = (bearer: string) => desk.tokens.filter((seen) => seen === bearer).length;
    expect(perToken(internalApp)).toBe(2);
    expect(perToken(otherApp)).toBe(1);
    expect(desk.tokens).toHaveLength(3);
    expect(await metricValue(gateway, 'gateway_subscription_lookups_shared_total')).toBe(shared + 3);
  });

  it('on the shared feed, a subscriber who may not read the ticket gets nothing of its event, while others of other identities get it', async () => {
    const owner = await token({ sub: 'c-owner', roles: ['consultant'], department_id: 'D1' });
    const outsider = await token({ sub: 'c-outsider', roles: ['consultant'], department_id: 'D1' });
    const query = 'subscription { complaintEvents { id ticket { id } } }';
    const owners = [subscribe(openClient(owner), query), subscribe(openClient(owner), query)];
    const outsiders = [subscribe(openClient(outsider), query), subscribe(openClient(outsider), query)];
    const all = subscribe(openClient(internalApp), query);
    await subscriptionsRunning(5);

    const owned = await complaint('opened', { ownerId: 'c-owner' });
    const theirs = await complaint('opened', { ownerId: 'c-outsider' });

    expect((await all.next()).data?.complaintEvents.id).toBe(owned.eventId);
    expect((await all.next()).data?.complaintEvents.id).toBe(theirs.eventId);
    for (const subscription of owners) expect((await subscription.next()).data?.complaintEvents.id).toBe(owned.eventId);
    // Stream order: the outsider's first event is the second one, so the first was dropped for them.
    for (const subscription of outsiders) expect((await subscription.next()).data?.complaintEvents.id).toBe(theirs.eventId);
    for (const subscription of [...owners, ...outsiders]) expect(subscription.pending()).toBe(0);
  });

  it('resumes next to a running shared feed: the missed events on a catch-up consumer, then live ones, in order and nothing twice', async () => {
    const live = subscribe(openClient(internalApp), EVENTS);
    const away = subscribe(openClient(internalApp), EVENTS);
    await subscriptionsRunning(2);
    const e1 = await complaint('opened');
    expect((await live.next()).data?.complaintEvents.id).toBe(e1.eventId);
    const lastSeen = (await away.next()).data?.complaintEvents;
    away.dispose();
    await subscriptionsRunning(1);

    const e2 = await complaint('escalated');
    const e3 = await complaint('resolved');
    expect((await live.next()).data?.complaintEvents.id).toBe(e2.eventId);
    expect((await live.next()).data?.complaintEvents.id).toBe(e3.eventId);

    const resumed = subscribe(openClient(internalApp), EVENTS, { after: lastSeen.cursor });
    await subscriptionsRunning(2);
    const e4 = await complaint('closed');
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await resumed.next()).data?.complaintEvents.id);
    expect(ids).toEqual([e2.eventId, e3.eventId, e4.eventId]);
    expect((await live.next()).data?.complaintEvents.id).toBe(e4.eventId);
    expect(resumed.pending()).toBe(0);
    // The catch-up consumer goes once it has read up to the shared feed.
    await waitFor(async () => (await ourConsumers()).length === 1 && gateway.subscriptions!.hub.busConsumers === 1, 'the catch-up consumer to go');
  });
});

describe('gateway: subscriptions lifecycle', () => {
  let desk: Desk;
  let accounts: TinySubgraph;
  let supergraph: string;

  beforeAll(async () => {
    [desk, accounts] = await Promise.all([startDesk(), startAccounts()]);
    supergraph = composeTinySupergraph([desk, accounts]);
  });
  afterAll(async () => {
    await Promise.all([desk?.stop(), accounts?.stop()]);
  });

  it('stops gracefully: open sockets close with 1001 and their JetStream consumers are removed', async () => {
    const gateway = await startTestGateway(supergraph, { NATS_URL: process.env.NATS_URL! });
    const instance = gateway.subscriptions!.instanceId;
    const client = wsClient(gateway, await token({ roles: ['internal_app'] }));
    try {
      const subscription = subscribe(client, 'subscription { complaintEvents { id } }');
      await waitFor(async () => (await metricValue(gateway, 'gateway_subscriptions_active')) === 1, 'the subscription');
      await gateway.stop();
      expect((await subscription.ended()).error).toMatchObject({ code: 1001 });

      const nc = await connect({ servers: process.env.NATS_URL! });
      const consumers = await (await nc.jetstreamManager()).consumers.list(STREAM).next();
      await nc.drain();
      expect(consumers.filter((c) => c.name.startsWith(`gateway_${instance}_`))).toEqual([]);
    } finally {
      await client.dispose();
    }
  });

  it('serves no subscriptions and reports no NATS check without NATS_URL', async () => {
    const gateway = await startTestGateway(supergraph);
    const client = wsClient(gateway, await token({ roles: ['internal_app'] }));
    try {
      expect(gateway.subscriptions).toBeUndefined();
      const readiness = (await (await fetch(`${gateway.url}/readyz`)).json()) as { checks: Record<string, boolean> };
      expect(readiness.checks).toEqual({ supergraph: true, accepting: true });
      const { error } = await subscribe(client, 'subscription { complaintEvents { id } }').ended();
      expect(error).toBeDefined();
      const introspection = await postGraphQL(gateway, '{ __schema { subscriptionType { name } } }', { token: await token({ roles: ['internal_app'] }) });
      expect(introspection.body.data).toEqual({ __schema: { subscriptionType: null } });
      // HTTP still serves the same graph.
      const response = await postGraphQL(gateway, '{ customerCount }', { token: await token({ roles: ['internal_app'] }) });
      expect(response.body).toEqual({ data: { customerCount: 0 }, extensions: { cost: { requested: 0, limit: 5000 } } });
    } finally {
      await client.dispose();
      await gateway.stop();
    }
  });

  it('refuses to start with NATS_URL when the supergraph has no Query.ticket to resolve events through', async () => {
    const people = {
      name: 'people',
      url: 'http://127.0.0.1:9/graphql',
      typeDefs: `${FEDERATION_LINK}\n type Query { me: String }`,
      calls: [],
      stop: async () => undefined,
    };
    await expect(startTestGateway(composeTinySupergraph([people]), { NATS_URL: process.env.NATS_URL! })).rejects.toThrow(/Query\.ticket\(id: ID!\): Ticket/);
  });

  it('rejects a NATS_URL that is not a nats:// URL, naming the variable', () => {
    expect(() => loadConfig(gatewayConfigSchema, { JWT_SECRET: DEV_JWT_SECRET, NATS_URL: 'http://127.0.0.1:4222' })).toThrow(/NATS_URL="http:\/\/127.0.0.1:4222": must be a nats:\/\/ URL/);
  });

  it('starts while NATS is down: ready for queries, UNAVAILABLE to subscribers until NATS answers, then serves', async () => {
    const port = await freePort();
    const gateway = await startTestGateway(supergraph, { NATS_URL: `nats://127.0.0.1:${port}` });
    const storeDir = mkdtempSync(path.join(tmpdir(), 'gateway-late-nats-'));
    let nats: LocalServer | undefined;
    const client = wsClient(gateway, await token({ roles: ['internal_app'] }));
    try {
      // Queries do not depend on NATS, so the gateway stays in the load balancer (ADR 0004).
      expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
      expect(await metricValue(gateway, 'gateway_subscriptions_nats_connected')).toBe(0);
      const early = subscribe(client, 'subscription { complaintEvents { id } }');
      expect(await early.ended()).toEqual({});
      expect((await early.next()).errors?.[0].extensions).toMatchObject({ code: 'UNAVAILABLE' });
      // Queries do not need NATS.
      expect((await postGraphQL(gateway, '{ customerCount }', { token: await token({ roles: ['internal_app'] }) })).body).toEqual({ data: { customerCount: 0 }, extensions: { cost: { requested: 0, limit: 5000 } } });

      nats = await startLocalNats({ port, dataDir: storeDir });
      await waitFor(async () => (await metricValue(gateway, 'gateway_subscriptions_nats_connected')) === 1, 'the NATS connection');
      const late = subscribe(client, 'subscription { complaintEvents { id } }');
      await waitFor(async () => (await metricValue(gateway, 'gateway_subscriptions_active')) === 1, 'the subscription');
      late.dispose();
    } finally {
      await client.dispose();
      await gateway.stop();
      await nats?.stop();
      rmSync(storeDir, { recursive: true, force: true });
    }
  });
});
