// One subgraph down costs a client only what that subgraph serves (docs/api/conventions.md, nullability policy):
// each subgraph in turn is made unreachable behind a gateway of its own, and the queries that cross subgraph
// boundaries still answer the rest, with an error at the path of each field the missing subgraph would serve.
import { serviceNames, type ServiceName } from '@crm/contracts';
import { loadConfig } from '@crm/kernel';
import { graphql, tokenFor, type GraphQLResponse } from '@crm/testing';
import { gatewayConfigSchema } from '../../apps/gateway/src/gateway.config';
import { startGateway } from '../../apps/gateway/src/gateway';
import { call, callWhenKnown } from '../platform/demo-data';
import { gatewayEnv, type RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(180_000);

/** Nothing listens on port 9 (discard) here: a connection is refused at once, as for a stopped pod. */
const UNREACHABLE = 'http://127.0.0.1:9/graphql';

interface CrossingQuery {
  name: string;
  /** The subgraph serving the root field: with it down, the whole answer is that field's error, as it must be. */
  root: ServiceName;
  query: string;
  variables: () => Record<string, unknown>;
  /** Paths (with list indexes as `*`) the given subgraph serves; with it down each is null and has an error. */
  servedBy: Partial<Record<ServiceName, string[]>>;
}

describe('one subgraph down', () => {
  let platform: RunningPlatform;
  let gm: string;
  const ids: Record<string, string> = {};

  const queries: CrossingQuery[] = [
    {
      name: 'a customer page with its tickets, interactions, surveys and credit',
      root: 'accounts',
      query: `query($id: ID!) { customer(id: $id) { id name owner { name } tickets { id status } interactions { id } surveyResponses { id } satisfactionScore creditProfile { grade } } }`,
      variables: () => ({ id: ids.customer }),
      servedBy: {
        'service-desk': ['customer.tickets'],
        engagement: ['customer.interactions'],
        surveys: ['customer.surveyResponses', 'customer.satisfactionScore'],
        credit: ['customer.creditProfile'],
      },
    },
    {
      name: 'a customer list with fields of every subgraph',
      root: 'accounts',
      query: `{ customers(first: 5) { totalCount edges { node { id name tickets { id } interactions { id } surveyResponses { id } creditProfile { grade } } } } }`,
      variables: () => ({}),
      servedBy: {
        'service-desk': ['customers.edges.*.node.tickets'],
        engagement: ['customers.edges.*.node.interactions'],
        surveys: ['customers.edges.*.node.surveyResponses'],
        credit: ['customers.edges.*.node.creditProfile'],
      },
    },
    {
      name: 'a ticket list with each customer’s name',
      root: 'service-desk',
      query: `{ tickets(first: 5) { totalCount edges { node { id status customer { id name } } } } }`,
      variables: () => ({}),
      servedBy: { accounts: ['tickets.edges.*.node.customer'] },
    },
    {
      name: 'an interaction with its customer',
      root: 'engagement',
      query: `query($id: ID!) { interaction(id: $id) { id summary customer { name } } }`,
      variables: () => ({ id: ids.interaction }),
      servedBy: { accounts: ['interaction.customer'] },
    },
    {
      name: 'a survey response with its customer',
      root: 'surveys',
      query: `query($id: ID!) { surveyResponse(id: $id) { id score customer { name } } }`,
      variables: () => ({ id: ids.surveyResponse }),
      servedBy: { accounts: ['surveyResponse.customer'] },
    },
    {
      name: 'a credit profile with its customer',
      root: 'credit',
      query: `query($c: ID!) { creditProfile(customerId: $c) { grade customer { name } } }`,
      variables: () => ({ c: ids.customer }),
      servedBy: { accounts: ['creditProfile.customer'] },
    },
  ];

  beforeAll(async () => {
    platform = await startE2ePlatform();
    const url = platform.gateway.graphqlUrl;
    gm = await tokenFor({ sub: 'gm-down', roles: ['general_manager'] });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-DOWN", name: "Partial failure"}) { department { id } userErrors { field code message } } }', {}, gm);
    await call(url, 'mutation { upsertConsultant(input: {id: "c-down", name: "Consultant Down", departmentId: "D-DOWN"}) { consultant { id } userErrors { field code message } } }', {}, gm);
    const created = await call(url, 'mutation { createCustomer(input: {name: "Partial Pumps", kind: ORGANISATION, listType: ENTERPRISE, ownerId: "c-down"}) { customer { id } userErrors { field code message } } }', {}, gm);
    ids.customer = created.createCustomer.customer.id;
    const opened = await callWhenKnown(
      url,
      'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }',
      { i: { customerId: ids.customer, type: 'COMPLAINT', channel: 'HOTLINE', severity: 'HIGH', matter: 'Pump leaks', complainant: { name: 'Ms Lin' } } },
      gm,
    );
    ids.ticket = opened.openTicket.ticket.id;
    const logged = await callWhenKnown(
      url,
      'mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } userErrors { field code message } } }',
      { i: { customerId: ids.customer, channel: 'PHONE', occurredAt: new Date(Date.now() - 60_000).toISOString(), summary: 'Asked about the leak' } },
      gm,
    );
    ids.interaction = logged.logInteraction.interaction.id;
    const levels = ['SATISFIED', 'FAIRLY_SATISFIED', 'BASICALLY_SATISFIED'];
    const items = ['PRICE', 'PERFORMANCE', 'DESIGN', 'APPEARANCE_PACKAGING', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'];
    const recorded = await callWhenKnown(
      url,
      'mutation($i: RecordSurveyResponseInput!) { recordSurveyResponse(input: $i) { surveyResponse { id } userErrors { field code message } } }',
      { i: { customerId: ids.customer, template: 'AFTER_SALE', respondedAt: new Date(Date.now() - 60_000).toISOString(), answers: items.map((item, k) => ({ item, level: levels[k % 3], comment: null })) } },
      gm,
    );
    ids.surveyResponse = recorded.recordSurveyResponse.surveyResponse.id;
    await call(url, 'mutation($c: ID!) { setCreditProfile(input: {customerId: $c, grade: A, creditLimit: 500000, paymentTermDays: 30, expectedRevision: 0}) { creditProfile { grade } userErrors { field code message } } }', { c: ids.customer }, gm);
  });
  afterAll(() => platform?.stop());

  /** The values at a path, `*` standing for every index of a list. */
  const valuesAt = (data: unknown, path: string): unknown[] =>
    path.split('.').reduce<unknown[]>((values, key) => values.flatMap((value) => (key === '*' ? (value as unknown[]) : [(value as Record<string, unknown> | null)?.[key]])), [data]);
  const errorPaths = (res: GraphQLResponse) => (res.errors ?? []).map((e) => (e.path ?? []).map((part) => (typeof part === 'number' ? '*' : part)).join('.'));

  it('answers every crossing query in full while all subgraphs are up', async () => {
    for (const q of queries) {
      const res = await graphql(platform.gateway.graphqlUrl, q.query, q.variables(), gm);
      expect({ query: q.name, errors: res.errors }).toEqual({ query: q.name, errors: undefined });
      for (const path of Object.values(q.servedBy).flat()) expect(valuesAt(res.data, path).every((v) => v !== null && v !== undefined)).toBe(true);
    }
  });

  it.each(serviceNames.map((name) => [name]))('keeps the rest of each answer when %s is down', async (down) => {
    const urls = Object.fromEntries(serviceNames.map((name) => [name, name === down ? UNREACHABLE : `${platform.services[name].url}/graphql`]));
    // A gateway of its own, without subscriptions (NATS plays no part here).
    const { NATS_URL: _unused, ...env } = gatewayEnv({ mongoUrl: process.env.MONGO_URL!, natsUrl: process.env.NATS_URL!, gatewayPort: 0, logLevel: 'silent' });
    const gateway = await startGateway({ config: loadConfig(gatewayConfigSchema, env), subgraphUrls: urls });
    try {
      for (const q of queries.filter((query) => query.root !== down)) {
        const res = await graphql(gateway.graphqlUrl, q.query, q.variables(), gm);
        const lost = q.servedBy[down] ?? [];
        // Never `data: null` for what the other subgraphs serve: the root field answers.
        expect({ query: q.name, data: res.data && Object.values(res.data).every((value) => value !== null) }).toEqual({ query: q.name, data: true });
        for (const path of lost) expect({ query: q.name, path, values: valuesAt(res.data, path).filter((v) => v !== null) }).toEqual({ query: q.name, path, values: [] });
        // Each error names a field it cost (a non-null field under a lost object names itself), and nothing else is lost.
        const paths = [...new Set(errorPaths(res))];
        const under = (path: string, lostPath: string) => path === lostPath || path.startsWith(`${lostPath}.`);
        expect({ query: q.name, stray: paths.filter((path) => !lost.some((lostPath) => under(path, lostPath))) }).toEqual({ query: q.name, stray: [] });
        expect({ query: q.name, unexplained: lost.filter((lostPath) => !paths.some((path) => under(path, lostPath))) }).toEqual({ query: q.name, unexplained: [] });
        for (const error of res.errors ?? []) expect(error.extensions).toMatchObject({ code: 'UNAVAILABLE', serviceName: down });
      }
    } finally {
      await gateway.stop();
    }
  });
});
