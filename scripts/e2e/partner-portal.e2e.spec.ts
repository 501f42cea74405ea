// End to end, as a partner portal uses the graph: a real Apollo Client with a partner token against the gateway.
// The portal lists only its linked customers, personal fields masked, pages through them without gaps, follows their
// tickets (and their complaint events), opens a service request, and reaches no other customer by any path.
import { ApolloClient, HttpLink, InMemoryCache, gql, type OperationVariables } from '@apollo/client';
import { tokenFor } from '@crm/testing';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { call, callWhenKnown } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

const PARTNER = 'P-PORTAL';
const LINKED = 7;

interface Answer<T> {
  data: T | undefined;
  codes: string[];
}

describe('a partner portal with Apollo Client', () => {
  let platform: RunningPlatform;
  let url: string;
  let portal: ApolloClient;
  let gm: string;
  let agent: string;
  let owner: string;
  const linked: string[] = [];
  let unlinked: string;
  let otherPartners: string;
  let linkedTicket: string;
  let unlinkedTicket: string;
  let interactionId: string;

  /** One operation through the portal's client; GraphQL errors come back as their codes, never thrown. */
  const ask = async <T = Record<string, any>>(query: string, variables: OperationVariables = {}): Promise<Answer<T>> => {
    const result = await portal.query<T>({ query: gql(query), variables, fetchPolicy: 'no-cache', errorPolicy: 'all' });
    const errors = (result.error as { errors?: readonly { extensions?: Record<string, unknown> }[] } | undefined)?.errors ?? [];
    if (result.error && errors.length === 0) throw result.error;
    return { data: (result.data ?? undefined) as T | undefined, codes: errors.map((e) => String(e.extensions?.code)) };
  };
  const mutate = async <T = Record<string, any>>(mutation: string, variables: OperationVariables): Promise<Answer<T>> => {
    const result = await portal.mutate<T>({ mutation: gql(mutation), variables, errorPolicy: 'all' });
    const errors = (result.error as { errors?: readonly { extensions?: Record<string, unknown> }[] } | undefined)?.errors ?? [];
    if (result.error && errors.length === 0) throw result.error;
    return { data: (result.data ?? undefined) as T | undefined, codes: errors.map((e) => String(e.extensions?.code)) };
  };

  const create = 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }';
  const openComplaint = async (customerId: string, matter: string) =>
    (
      await callWhenKnown(
        url,
        'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }',
        { i: { customerId, type: 'COMPLAINT', channel: 'HOTLINE', severity: 'HIGH', matter, complainant: { name: 'Ms Lin', contact: 'lin@huaxia.example' } } },
        agent,
      )
    ).openTicket.ticket.id as string;

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    gm = await tokenFor({ sub: 'gm-portal', roles: ['general_manager'] });
    agent = await tokenFor({ sub: 'agent-portal', roles: ['service_agent'] });
    owner = await tokenFor({ sub: 'c-portal-a', roles: ['consultant'], department_id: 'D-PORTAL' });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-PORTAL", name: "Portal sales"}) { department { id } userErrors { field code message } } }', {}, gm);
    await call(url, 'mutation { upsertConsultant(input: {id: "c-portal-a", name: "Owner A", departmentId: "D-PORTAL"}) { consultant { id } userErrors { field code message } } }', {}, gm);
    await call(url, 'mutation { upsertConsultant(input: {id: "c-portal-b", name: "Owner B", departmentId: "D-PORTAL"}) { consultant { id } userErrors { field code message } } }', {}, gm);
    for (let i = 0; i < LINKED; i += 1) {
      const input =
        i === 0
          ? { name: 'Huaxia Li Ming', kind: 'INDIVIDUAL', listType: 'INDIVIDUAL', individual: { gender: 'MALE', birthday: '1980-05-17', occupation: 'Engineer' } }
          : { name: `Huaxia Linked ${i}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', organisation: { legalRepresentative: 'Zhang Wei', registrationNumber: `9131000${i}`, companySize: 'SMALL' } };
      const made = await call(url, create, { i: { ...input, partnerIds: [PARTNER], contacts: [{ name: `Contact ${i}`, phone: `1380013${1000 + i}`, email: `c${i}@huaxia.example` }], ownerId: 'c-portal-a' } }, gm);
      linked.push(made.createCustomer.customer.id);
    }
    unlinked = (await call(url, create, { i: { name: 'Lotus Unlinked', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-portal-b' } }, gm)).createCustomer.customer.id;
    otherPartners = (await call(url, create, { i: { name: 'Dongfang Linked', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-portal-b', partnerIds: ['P-OTHER'] } }, gm)).createCustomer.customer.id;
    unlinkedTicket = await openComplaint(unlinked, 'Bearing noise');
    linkedTicket = await openComplaint(linked[1], 'Pump leaks');
    interactionId = (
      await callWhenKnown(
        url,
        'mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } userErrors { field code message } } }',
        { i: { customerId: linked[1], channel: 'PHONE', occurredAt: new Date(Date.now() - 60_000).toISOString(), summary: 'Price talk' } },
        owner,
      )
    ).logInteraction.interaction.id;

    const token = await tokenFor({ sub: 'portal-huaxia', roles: ['partner'], partner_id: PARTNER });
    portal = new ApolloClient({ link: new HttpLink({ uri: url, headers: { authorization: `Bearer ${token}` } }), cache: new InMemoryCache() });
  });
  afterAll(async () => {
    portal?.stop();
    await platform?.stop();
  });

  it('lists only the linked customers and pages through them without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: Answer<{ customers: { totalCount: number; edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }> = await ask(
        'query($after: String) { customers(first: 3, after: $after, sort: { field: NAME }) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      expect(page.codes).toEqual([]);
      expect(page.data!.customers.totalCount).toBe(LINKED);
      seen.push(...page.data!.customers.edges.map((e) => e.node.id));
      pages += 1;
      if (!page.data!.customers.pageInfo.hasNextPage) break;
      after = page.data!.customers.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(LINKED);
    expect(new Set(seen)).toEqual(new Set(linked));
  });

  it('reads its customers with contacts masked, personal and internal fields withheld, and only who the company is', async () => {
    const answer = await ask(
      `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { id name contacts { name phone email }
        individual { gender birthday age occupation } organisation { legalRepresentative registrationNumber companySize }
        creditGrade salesTier { tier } filing { status } needs { focusPoints } history { field } assignedStaff { id } owner { id name } } } }`,
      { ids: [linked[0], linked[1]] },
    );
    expect(answer.codes).toEqual([]);
    const [person, company] = answer.data!.nodes;
    expect(person.contacts).toEqual([{ __typename: 'Contact', name: 'Contact 0', phone: '1********0', email: 'c********e' }]);
    expect(person.individual).toMatchObject({ gender: null, birthday: null, age: null, occupation: 'Engineer' });
    expect(company.organisation).toMatchObject({ legalRepresentative: null, registrationNumber: '91310001', companySize: 'SMALL' });
    for (const customer of [person, company]) {
      expect(customer).toMatchObject({ creditGrade: null, salesTier: null, filing: null, needs: null, history: [], assignedStaff: [], owner: { id: expect.any(String), name: 'Owner A' } });
    }
  });

  it('cannot filter or sort on what is withheld from it', async () => {
    expect((await ask('{ customers(filter: { creditGrade: D }) { totalCount } }')).codes).toEqual(['FORBIDDEN']);
    expect((await ask('{ customers(filter: { filingOverdue: false }) { totalCount } }')).codes).toEqual(['FORBIDDEN']);
    expect((await ask('{ customers(sort: { field: SALES_TIER }) { totalCount } }')).codes).toEqual(['FORBIDDEN']);
  });

  it('cannot reach an unlinked customer by any path', async () => {
    for (const id of [unlinked, otherPartners]) {
      const direct = await ask('query($id: ID!) { customer(id: $id) { id name } }', { id });
      expect([direct.data?.customer ?? null, direct.codes]).toEqual([null, ['NOT_FOUND']]);
      const node = await ask('query($id: ID!) { node(id: $id) { id } }', { id });
      expect([node.data?.node ?? null, node.codes]).toEqual([null, ['NOT_FOUND']]);
      const credit = await ask('query($id: ID!) { creditProfile(customerId: $id) { grade } }', { id });
      expect(credit.data?.creditProfile ?? null).toBeNull();
    }
    const byName = await ask('{ customers(filter: { nameContains: "Lotus" }) { totalCount } }');
    expect(byName.data!.customers.totalCount).toBe(0);
    const byOtherPartner = await ask('{ customers(filter: { partnerId: "P-OTHER" }) { totalCount } }');
    expect(byOtherPartner.data!.customers.totalCount).toBe(0);
    // Through other subgraphs' records: an unlinked customer's ticket, and a linked one's interaction (engagement shows partners nothing).
    const ticket = await ask('query($id: ID!) { ticket(id: $id) { id customer { id name } } }', { id: unlinkedTicket });
    expect([ticket.data?.ticket ?? null, ticket.codes]).toEqual([null, ['NOT_FOUND']]);
    const interaction = await ask('query($id: ID!) { interaction(id: $id) { id customer { id } } }', { id: interactionId });
    expect(interaction.data?.interaction ?? null).toBeNull();
    expect(interaction.codes.every((code) => ['NOT_FOUND', 'FORBIDDEN'].includes(code))).toBe(true);
    const interactions = await ask('query($c: ID!) { customer(id: $c) { interactions(first: 10) { id } } }', { c: linked[1] });
    expect(interactions.data?.customer?.interactions ?? []).toEqual([]);
    const responses = await ask('query($c: ID!) { customer(id: $c) { surveyResponses { id } } }', { c: linked[1] });
    expect(responses.data?.customer?.surveyResponses ?? []).toEqual([]);
  });

  it("follows its customers' tickets with the complainant's contact masked, and opens a service request", async () => {
    const listed = await ask('{ tickets(first: 50) { edges { node { id complainant { name contact } customer { id } history { seq } } } } }');
    expect(listed.codes).toEqual([]);
    expect(listed.data!.tickets.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([linkedTicket]);
    expect(listed.data!.tickets.edges[0].node).toMatchObject({ complainant: { name: 'Ms Lin', contact: 'l********e' }, customer: { id: linked[1] }, history: [] });

    const opened = await mutate('mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id type firstResponder { staffMember { id } } } userErrors { field code } } }', {
      i: { customerId: linked[2], type: 'SERVICE_REQUEST', channel: 'ONLINE', severity: 'LOW', matter: 'Schedule the yearly maintenance', complainant: { name: 'Mr Wu' } },
    });
    expect(opened.codes).toEqual([]);
    expect(opened.data!.openTicket.ticket).toMatchObject({ type: 'SERVICE_REQUEST', firstResponder: { staffMember: { id: expect.any(String) } } });
    const complaint = await mutate('mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } } }', {
      i: { customerId: linked[2], type: 'COMPLAINT', channel: 'ONLINE', severity: 'LOW', matter: 'x', complainant: { name: 'Mr Wu' } },
    });
    expect(complaint.codes).toEqual(['FORBIDDEN']);
    const forUnlinked = await mutate('mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code } } }', {
      i: { customerId: unlinked, type: 'SERVICE_REQUEST', channel: 'ONLINE', severity: 'LOW', matter: 'x', complainant: { name: 'Mr Wu' } },
    });
    expect(forUnlinked.data!.openTicket).toMatchObject({ ticket: null, userErrors: [{ code: 'BAD_USER_INPUT' }] });
  });

  it('receives the complaint events of its linked customers only', async () => {
    const token = await tokenFor({ sub: 'portal-huaxia', roles: ['partner'], partner_id: PARTNER });
    const client: Client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const received: string[] = [];
    let resolveFirst: (id: string) => void = () => undefined;
    const first = new Promise<string>((resolve) => (resolveFirst = resolve));
    const dispose = client.subscribe<{ complaintEvents: { ticket: { id: string } } }>(
      { query: 'subscription { complaintEvents { id ticket { id } } }' },
      {
        next: (result) => {
          const id = result.data?.complaintEvents.ticket.id;
          if (id) {
            received.push(id);
            resolveFirst(id);
          }
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      // Wait until the gateway runs the subscription, then raise an unlinked customer's complaint before a linked one's.
      const deadline = Date.now() + 10_000;
      while ((await platform.gateway.registry.getSingleMetric('gateway_subscriptions_active')?.get())?.values[0]?.value !== 1) {
        if (Date.now() > deadline) throw new Error('the subscription never started');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await openComplaint(unlinked, 'Second bearing noise');
      const linkedOne = await openComplaint(linked[3], 'Valve sticks');
      // Events arrive in stream order: the first one being the linked customer's proves the other was not sent.
      expect(await first).toBe(linkedOne);
      expect(received).toEqual([linkedOne]);
    } finally {
      dispose();
      await client.dispose();
    }
  });
});
