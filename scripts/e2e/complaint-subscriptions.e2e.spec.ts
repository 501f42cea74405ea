// End to end, as internal apps use it: complaint events through the gateway's graphql-ws subscription (a real
// graphql-ws client), with the ticket resolved by the subgraphs under the subscriber's own token, and on plain NATS.
import { ownIdOf } from '@crm/contracts';
import { graphql, tokenFor } from '@crm/testing';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import { connect, type NatsConnection, type Subscription } from 'nats';
import WebSocket from 'ws';
import { call, callWhenKnown } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

type Result = FormattedExecutionResult<Record<string, any>, unknown>;

const COMPLAINT_EVENTS = `subscription Complaints($filter: ComplaintEventFilter, $after: String) {
  complaintEvents(filter: $filter, after: $after) {
    id cursor type occurredAt
    ticket { id type severity status matter customer { id name owner { name } } }
  }
}`;

/** One subscription's results as a queue, awaited with a short timeout. */
function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const queued: Result[] = [];
  const waiting: ((result: Result) => void)[] = [];
  let ended: ((outcome: { error?: unknown }) => void) | undefined;
  const end = new Promise<{ error?: unknown }>((resolve) => (ended = resolve));
  const dispose = client.subscribe<Record<string, any>>(
    { query, variables },
    { next: (r) => (waiting.length > 0 ? waiting.shift()!(r) : queued.push(r)), error: (error) => ended!({ error }), complete: () => ended!({}) },
  );
  return {
    dispose,
    ended: end,
    pending: () => queued.length,
    next(timeoutMs = 15_000): Promise<Result> {
      if (queued.length > 0) return Promise.resolve(queued.shift()!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no complaint event within ${timeoutMs} ms`)), timeoutMs);
        waiting.push((result) => {
          clearTimeout(timer);
          resolve(result);
        });
      });
    },
  };
}

describe('complaint events for internal apps', () => {
  let platform: RunningPlatform;
  let url: string;
  let nc: NatsConnection;
  let agent: string;
  let internalApp: string;
  let owner: string;
  let otherConsultant: string;
  let ownersCustomer: string;
  let othersCustomer: string;
  const clients: Client[] = [];

  const wsClient = (bearer?: string) => {
    const client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: bearer ? { authorization: `Bearer ${bearer}` } : undefined,
      retryAttempts: 0,
    });
    clients.push(client);
    return client;
  };

  /** Resolves once the gateway runs `count` subscriptions, i.e. their consumers are in place. */
  const subscriptionsRunning = async (count: number) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const metric = await platform.gateway.registry.getSingleMetric('gateway_subscriptions_active')?.get();
      if (metric?.values[0]?.value === count) return;
      if (Date.now() > deadline) throw new Error(`expected ${count} running subscriptions`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const openComplaint = async (customerId: string, matter: string, severity = 'HIGH'): Promise<string> => {
    const opened = await callWhenKnown(
      url,
      'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }',
      { i: { customerId, type: 'COMPLAINT', channel: 'HOTLINE', severity, matter, complainant: { name: 'Ms Lin' } } },
      agent,
    );
    return opened.openTicket.ticket.id;
  };

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    nc = await connect({ servers: process.env.NATS_URL! });
    const gm = await tokenFor({ sub: 'gm-subs', roles: ['general_manager'] });
    agent = await tokenFor({ sub: 'agent-subs', roles: ['service_agent'] });
    internalApp = await tokenFor({ sub: 'complaints-board', roles: ['internal_app'] });
    owner = await tokenFor({ sub: 'c-subs-owner', roles: ['consultant'], department_id: 'D-SUBS' });
    otherConsultant = await tokenFor({ sub: 'c-subs-other', roles: ['consultant'], department_id: 'D-SUBS' });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-SUBS", name: "Subscriptions sales"}) { department { id } userErrors { field code message } } }', {}, gm);
    await call(url, 'mutation { upsertConsultant(input: {id: "c-subs-owner", name: "Owner Consultant", departmentId: "D-SUBS"}) { consultant { id } userErrors { field code message } } }', {}, gm);
    await call(url, 'mutation { upsertConsultant(input: {id: "c-subs-other", name: "Other Consultant", departmentId: "D-SUBS"}) { consultant { id } userErrors { field code message } } }', {}, gm);
    const create = 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }';
    ownersCustomer = (await call(url, create, { i: { name: 'Pearl River Pumps', kind: 'ORGANISATION', listType: 'ENTERPRISE' } }, owner)).createCustomer.customer.id;
    othersCustomer = (await call(url, create, { i: { name: 'Lotus Bearings', kind: 'ORGANISATION', listType: 'ENTERPRISE' } }, otherConsultant)).createCustomer.customer.id;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    if (platform) await subscriptionsRunning(0);
  });

  afterAll(async () => {
    await nc?.drain();
    await platform?.stop();
  });

  it('delivers a complaint opened through the gateway to an internal app, ticket fields resolved, and to a plain NATS subscriber', async () => {
    const onBus: Subscription = nc.subscribe('crm.service-desk.complaint.>');
    const subscription = subscribe(wsClient(internalApp), COMPLAINT_EVENTS);
    await subscriptionsRunning(1);

    const ticketId = await openComplaint(ownersCustomer, 'Pump seal leaking after two days', 'CRITICAL');

    const { data, errors } = await subscription.next();
    expect(errors).toBeUndefined();
    expect(data?.complaintEvents).toEqual({
      id: expect.any(String),
      cursor: expect.any(String),
      type: 'opened',
      occurredAt: expect.any(String),
      ticket: {
        id: ticketId,
        type: 'COMPLAINT',
        severity: 'CRITICAL',
        status: 'RECEIVED',
        matter: 'Pump seal leaking after two days',
        customer: { id: ownersCustomer, name: 'Pearl River Pumps', owner: { name: 'Owner Consultant' } },
      },
    });

    // The same event, as any NATS client sees it: the CloudEvent whose id the subscription reported.
    const giveUp = setTimeout(() => onBus.unsubscribe(), 10_000);
    let onNats: Record<string, unknown> | undefined;
    for await (const message of onBus) {
      const event = JSON.parse(Buffer.from(message.data).toString());
      if (event.subject !== ownIdOf(ticketId)) continue;
      onNats = event;
      break;
    }
    clearTimeout(giveUp);
    onBus.unsubscribe();
    expect(onNats).toMatchObject({ id: data?.complaintEvents.id, type: 'crm.service-desk.complaint.opened', data: { ticketId: ownIdOf(ticketId), customerId: ownIdOf(ownersCustomer), severity: 'CRITICAL' } });
  });

  it("sends a consultant the events of their own customers' tickets only, as the ticket query would", async () => {
    const ownerEvents = subscribe(wsClient(owner), COMPLAINT_EVENTS);
    const otherEvents = subscribe(wsClient(otherConsultant), COMPLAINT_EVENTS);
    await subscriptionsRunning(2);

    const ownersTicket = await openComplaint(ownersCustomer, 'Invoice sent twice');
    const othersTicket = await openComplaint(othersCustomer, 'Bearing noise');

    expect((await ownerEvents.next()).data?.complaintEvents.ticket.id).toBe(ownersTicket);
    // Events arrive in stream order: the other consultant's first event being their own proves the owner's was dropped.
    expect((await otherEvents.next()).data?.complaintEvents.ticket.id).toBe(othersTicket);
    // The same policy on a direct read: refused, with the approval that would open it.
    const read = await graphql(url, 'query($id: ID!) { ticket(id: $id) { id } }', { id: ownersTicket }, otherConsultant);
    expect(read.data?.ticket ?? null).toBeNull();
    expect(read.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('resumes after the last cursor: a subscriber that was away gets the missed events, in order, without gaps', async () => {
    const filter = { customerIds: [ownersCustomer] };
    const first = subscribe(wsClient(internalApp), COMPLAINT_EVENTS, { filter });
    await subscriptionsRunning(1);
    const t1 = await openComplaint(ownersCustomer, 'First: late delivery');
    const last = (await first.next()).data?.complaintEvents;
    expect(last.ticket.id).toBe(t1);
    first.dispose();
    await subscriptionsRunning(0);

    const t2 = await openComplaint(ownersCustomer, 'Second: wrong part');
    const t3 = await openComplaint(ownersCustomer, 'Third: missing manual');

    const resumed = subscribe(wsClient(internalApp), COMPLAINT_EVENTS, { filter, after: last.cursor });
    const missed = [(await resumed.next()).data?.complaintEvents, (await resumed.next()).data?.complaintEvents];
    expect(missed.map((event) => event.ticket.id)).toEqual([t2, t3]);
    expect(missed.map((event) => event.ticket.matter)).toEqual(['Second: wrong part', 'Third: missing manual']);
    expect(resumed.pending()).toBe(0);
  });

  it('loads, then subscribes from the position the load read: complaints opened in between arrive, none is missed', async () => {
    const filter = { customerIds: [ownersCustomer] };
    // The page a console shows, and where the stream stands, in one query.
    const loaded = await call(url, '{ tickets(first: 5) { totalCount } complaintEventsPosition }', {}, internalApp);
    const between = [await openComplaint(ownersCustomer, 'Between load and subscribe, 1'), await openComplaint(ownersCustomer, 'Between load and subscribe, 2')];
    const live = subscribe(wsClient(internalApp), COMPLAINT_EVENTS, { filter, after: loaded.complaintEventsPosition });
    const caughtUp = [(await live.next()).data?.complaintEvents, (await live.next()).data?.complaintEvents];
    expect(caughtUp.map((event) => event.ticket.id)).toEqual(between);
    const after = await openComplaint(ownersCustomer, 'After subscribing');
    expect((await live.next()).data?.complaintEvents.ticket.id).toBe(after);
    expect(live.pending()).toBe(0);
    live.dispose();
  });

  it('follows the lifecycle: a subscriber filtering on resolved gets the resolution, with the ticket as it now reads', async () => {
    const resolutions = subscribe(wsClient(internalApp), COMPLAINT_EVENTS, { filter: { types: ['resolved'], customerIds: [ownersCustomer] } });
    await subscriptionsRunning(1);
    const ticketId = await openComplaint(ownersCustomer, 'Wrong invoice address', 'LOW');
    await call(url, 'mutation($id: ID!) { resolveAtOnce(input: { id: $id, resolution: "Invoice reissued", cause: BILLING }) { ticket { id } userErrors { field code message } } }', { id: ticketId }, agent);

    const { data, errors } = await resolutions.next();
    expect(errors).toBeUndefined();
    expect(data?.complaintEvents).toMatchObject({ type: 'resolved', ticket: { id: ticketId, status: 'RESOLVED', severity: 'LOW' } });
  });

  // What an IDE may send (the explorer's GraphiQL names the operation of its tab): a subscription as an HTTP POST, or
  // an operationName the document does not have. The platform's gateway rewrites global ids before it plans, and must
  // still answer a stable 400, never a 500.
  it('refuses a subscription sent as an HTTP POST with 400 BAD_REQUEST pointing at graphql-ws', async () => {
    const answer = await graphql(url, COMPLAINT_EVENTS, {}, internalApp);
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('graphql-ws'), extensions: { code: 'BAD_REQUEST' } })]);
  });

  it('refuses an operationName that names no operation of the document with 400 BAD_REQUEST', async () => {
    const post = (body: Record<string, unknown>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${internalApp}` }, body: JSON.stringify(body) });
    for (const body of [
      { query: 'query Viewer { viewer { id } }', operationName: 'Complaints' },
      { query: 'subscription Complaints { complaintEvents { type } }', operationName: 'Viewer' },
      { query: 'query A { viewer { id } } query B { viewer { roles } }' },
    ]) {
      const response = await post(body);
      const answer = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
      expect([body, response.status]).toEqual([body, 400]);
      expect(answer.data).toBeUndefined();
      expect(answer.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/Unknown operation named|Must provide operation name/), extensions: { code: 'BAD_REQUEST' } })]);
    }
  });

  it('refuses an unauthenticated connection with 4403', async () => {
    const refused = subscribe(wsClient(), COMPLAINT_EVENTS);
    expect((await refused.ended).error).toMatchObject({ code: 4403, reason: expect.stringMatching(/^UNAUTHENTICATED/) });
  });
});
