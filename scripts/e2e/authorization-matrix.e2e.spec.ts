// The authorization matrix through the gateway, generated from the platform's one rule table (@crm/customer-scope):
// for every role, and for one customer's records in each subgraph, the expected answer of each path (root query by
// id, list filter, sort, the entity reference another subgraph resolves, a mutation) is computed from
// `canSeeCustomerScope` with the row of that record kind, and asserted against the real platform; the complaint
// subscription too. One platform start, many requests.
import { asPartnerOnly, type Caller, type CrmClaims } from '@crm/auth';
import { canSeeCustomerScope, type CustomerScopeFacts, type ScopedRecordKind } from '@crm/customer-scope';
import { graphql, tokenFor } from '@crm/testing';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { call, callWhenKnown } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

const DEPT = 'D-MATRIX';
const OWNER = 'c-matrix-owner';
const PARTNER = 'P-MATRIX';

/** The callers of the matrix: every role, inside and outside the customer's scope, and partners. */
const callers: [name: string, claims: CrmClaims][] = [
  ['the owner (consultant)', { sub: OWNER, roles: ['consultant'], department_id: DEPT }],
  ['another consultant of the department', { sub: 'c-matrix-other', roles: ['consultant'], department_id: DEPT }],
  ['the department manager', { sub: 'm-matrix', roles: ['department_manager'], department_id: DEPT }],
  ["another department's manager", { sub: 'm-matrix-west', roles: ['department_manager'], department_id: 'D-MATRIX-WEST' }],
  ['the general manager', { sub: 'gm-matrix', roles: ['general_manager'] }],
  ['marketing', { sub: 'mkt-matrix', roles: ['marketing'] }],
  ['a service agent', { sub: 'agent-matrix', roles: ['service_agent'] }],
  ['technical staff', { sub: 'tech-matrix', roles: ['technical_staff'] }],
  ['the coordinator', { sub: 'coord-matrix', roles: ['coordinator'] }],
  ['finance', { sub: 'fin-matrix', roles: ['finance'] }],
  ['an internal app', { sub: 'app-matrix', roles: ['internal_app'] }],
  ['the linked partner', { sub: 'portal-matrix', roles: ['partner'], partner_id: PARTNER }],
  ['another partner', { sub: 'portal-other', roles: ['partner'], partner_id: 'P-ELSEWHERE' }],
  ['a partner claiming the general manager', { sub: 'portal-gm', roles: ['partner', 'general_manager'], partner_id: 'P-ELSEWHERE' }],
  ['the linked partner claiming the owner', { sub: OWNER, roles: ['consultant', 'department_manager'], partner_id: PARTNER, department_id: DEPT }],
];

/** The caller as the platform sees it once its token is verified. */
const asVerified = (claims: CrmClaims): Caller =>
  asPartnerOnly({ userId: claims.sub, roles: [...claims.roles], departmentId: claims.department_id, partnerId: claims.partner_id, token: '' });

describe('the authorization matrix, from the rule table', () => {
  let platform: RunningPlatform;
  let url: string;
  const tokens = new Map<string, string>();
  let customerId: string;
  let ticketId: string;
  let interactionId: string;
  let scope: CustomerScopeFacts;

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    const gm = await tokenFor({ sub: 'gm-setup', roles: ['general_manager'] });
    await call(url, `mutation { upsertDepartment(input: {id: "${DEPT}", name: "Matrix sales"}) { department { id } userErrors { field code message } } }`, {}, gm);
    for (const id of [OWNER, 'c-matrix-other']) {
      await call(url, `mutation { upsertConsultant(input: {id: "${id}", name: "${id}", departmentId: "${DEPT}"}) { consultant { id } userErrors { field code message } } }`, {}, gm);
    }
    for (const [name, claims] of callers) tokens.set(name, await tokenFor(claims));
    customerId = (
      await call(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }', { i: { name: 'Matrix Pumps', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: OWNER, partnerIds: [PARTNER] } }, gm)
    ).createCustomer.customer.id;
    scope = { customerId, ownerId: OWNER, departmentId: DEPT, assignedStaffIds: [OWNER], partnerIds: [PARTNER] };
    const agent = await tokenFor({ sub: 'agent-setup', roles: ['service_agent'] });
    ticketId = (
      await callWhenKnown(
        url,
        'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }',
        { i: { customerId, type: 'COMPLAINT', channel: 'HOTLINE', severity: 'HIGH', matter: 'Leaks', complainant: { name: 'Ms Lin' } } },
        agent,
      )
    ).openTicket.ticket.id;
    interactionId = (
      await callWhenKnown(
        url,
        'mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } userErrors { field code message } } }',
        { i: { customerId, channel: 'PHONE', occurredAt: new Date(Date.now() - 60_000).toISOString(), summary: 'Matrix call' } },
        tokens.get('the owner (consultant)')!,
      )
    ).logInteraction.interaction.id;
  });
  afterAll(() => platform?.stop());

  /** Whether the rule table lets `name` read the customer's records of `kind`. */
  const readable = (name: string, kind: ScopedRecordKind) => canSeeCustomerScope(asVerified(callers.find(([n]) => n === name)![1]), scope, [], new Date(), kind);
  const ask = (name: string, query: string, variables: Record<string, unknown> = {}) => graphql(url, query, variables, tokens.get(name)!);

  /** A read by id: the record when the table opens it; otherwise null with FORBIDDEN (staff) or NOT_FOUND (partners). */
  const expectById = async (name: string, kind: ScopedRecordKind, query: string, variables: Record<string, unknown>, field: string) => {
    const res = await ask(name, query, variables);
    const value = res.data?.[field] ?? null;
    if (readable(name, kind)) {
      expect(res.errors).toBeUndefined();
      expect(value).not.toBeNull();
    } else {
      expect(value).toBeNull();
      const partner = callers.find(([n]) => n === name)![1].partner_id !== undefined;
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual([partner ? 'NOT_FOUND' : 'FORBIDDEN']);
    }
  };

  const names = callers.map(([name]) => name);

  describe.each(names)('%s', (name) => {
    it('accounts customer(id): as the customer row says', () => expectById(name, 'customer', 'query($id: ID!) { customer(id: $id) { id } }', { id: customerId }, 'customer'));

    it('accounts list filter and sort: the customer listed exactly when the customer row opens it', async () => {
      const res = await ask(name, 'query($o: ID) { byFilter: customers(filter: { ownerId: $o }) { edges { node { id } } } bySort: customers(sort: { field: NAME }, first: 200) { edges { node { id } } } }', { o: OWNER });
      expect(res.errors).toBeUndefined();
      for (const list of [res.data!.byFilter, res.data!.bySort]) expect(list.edges.some((e: { node: { id: string } }) => e.node.id === customerId)).toBe(readable(name, 'customer'));
    });

    it('service-desk ticket(id): as the ticket row says', () => expectById(name, 'ticket', 'query($id: ID!) { ticket(id: $id) { id } }', { id: ticketId }, 'ticket'));

    it('service-desk tickets(filter): listed exactly when the ticket row opens it', async () => {
      // (The service requests the mutation cells open are the customer's tickets too: the complaint is looked for.)
      const res = await ask(name, 'query($c: ID) { tickets(filter: { customerId: $c, type: COMPLAINT }, first: 50) { edges { node { id } } } }', { c: customerId });
      expect(res.errors).toBeUndefined();
      expect(res.data!.tickets.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(readable(name, 'ticket') ? [ticketId] : []);
    });

    it("an entity reference across subgraphs (the ticket's customer from accounts): the customer row on top of the ticket row", async () => {
      const res = await ask(name, 'query($id: ID!) { ticket(id: $id) { customer { id } } }', { id: ticketId });
      if (!readable(name, 'ticket')) return expect(res.data?.ticket ?? null).toBeNull();
      expect(res.data!.ticket.customer === null).toBe(!readable(name, 'customer'));
    });

    it('engagement interaction(id): as the internal-record row says', () =>
      expectById(name, 'internal-record', 'query($id: ID!) { interaction(id: $id) { id } }', { id: interactionId }, 'interaction'));

    it("a mutation: a service request opened for the customer by staff, and by a partner only for a linked customer", async () => {
      const res = await ask(name, 'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code } } }', {
        i: { customerId, type: 'SERVICE_REQUEST', channel: 'ONLINE', severity: 'LOW', matter: 'Matrix request', complainant: { name: 'Mr Wu' } },
      });
      const caller = asVerified(callers.find(([n]) => n === name)![1]);
      const partner = caller.partnerId !== undefined;
      // Anyone inside registers what a customer raises (first-responder rule); a partner only for what it reads.
      const allowed = !partner || readable(name, 'ticket');
      expect(res.errors).toBeUndefined();
      expect(res.data!.openTicket.ticket !== null).toBe(allowed);
      if (!allowed) expect(res.data!.openTicket.userErrors.map((e: { code: string }) => e.code)).toEqual(['BAD_USER_INPUT']);
    });
  });

  it('subscriptions: the complaint event reaches exactly the callers the ticket row opens it to', async () => {
    const clients: Client[] = [];
    const received = new Map<string, string[]>(names.map((name) => [name, []]));
    try {
      for (const name of names) {
        const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${tokens.get(name)}` }, retryAttempts: 0 });
        clients.push(client);
        client.subscribe<{ complaintEvents: { ticket: { id: string } } }>(
          { query: 'subscription($c: [ID!]) { complaintEvents(filter: { customerIds: $c }) { ticket { id } } }', variables: { c: [customerId] } },
          { next: (r) => r.data && received.get(name)!.push(r.data.complaintEvents.ticket.id), error: () => undefined, complete: () => undefined },
        );
      }
      const deadline = Date.now() + 15_000;
      while ((await platform.gateway.registry.getSingleMetric('gateway_subscriptions_active')?.get())?.values[0]?.value !== names.length) {
        if (Date.now() > deadline) throw new Error('the subscriptions never started');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const agent = await tokenFor({ sub: 'agent-setup', roles: ['service_agent'] });
      const opened = (
        await call(url, 'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }', {
          i: { customerId, type: 'COMPLAINT', channel: 'HOTLINE', severity: 'HIGH', matter: 'Leaks again', complainant: { name: 'Ms Lin' } },
        }, agent)
      ).openTicket.ticket.id;
      const expected = new Map(names.map((name) => [name, readable(name, 'ticket') ? [opened] : []]));
      const until = Date.now() + 15_000;
      while (names.some((name) => received.get(name)!.length < expected.get(name)!.length) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      // A grace period for an event that should not come.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(Object.fromEntries(received)).toEqual(Object.fromEntries(expected));
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it('covers every row of the table that has records in a subgraph, for every caller', () => {
    const kinds: ScopedRecordKind[] = ['customer', 'ticket', 'internal-record'];
    const cells = names.flatMap((name) => kinds.map((kind) => [name, kind, readable(name, kind)]));
    // The matrix is not trivial: each row opens to some callers and stays shut to others.
    for (const kind of kinds) expect(new Set(cells.filter(([, k]) => k === kind).map(([, , open]) => open))).toEqual(new Set([true, false]));
  });
});
