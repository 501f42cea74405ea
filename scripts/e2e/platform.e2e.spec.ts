// End to end, as clients use it: a partner portal and internal apps through the gateway, and a plain NATS subscriber.
import { complaintOpenedV1, ownIdOf, streamFor } from '@crm/contracts';
import { tokenFor, graphql } from '@crm/testing';
import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import { callWhenKnown, call } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

describe('the platform through the gateway', () => {
  let platform: RunningPlatform;
  let url: string;
  let nc: NatsConnection;
  let gm: string;
  let agent: string;

  beforeAll(async () => {
    platform = await startE2ePlatform({ envFor: () => ({ MONGO_MONITOR_COMMANDS: 'true' }) });
    url = platform.gateway.graphqlUrl;
    nc = await connect({ servers: process.env.NATS_URL! });
    gm = await tokenFor({ sub: 'gm-e2e', roles: ['general_manager'] });
    agent = await tokenFor({ sub: 'agent-e2e', roles: ['service_agent'] });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-E2E", name: "E2E sales"}) { department { id } userErrors { field code message } } }', {}, gm);
    await call(url, 'mutation { upsertConsultant(input: {id: "c-e2e", name: "Consultant E2E", departmentId: "D-E2E"}) { consultant { id } userErrors { field code message } } }', {}, gm);
  });
  afterAll(async () => {
    await nc?.drain();
    await platform?.stop();
  });

  it('creates a customer, opens a complaint, reads customer { tickets } and receives complaint.opened on NATS', async () => {
    const consultant = await tokenFor({ sub: 'c-e2e', roles: ['consultant'], department_id: 'D-E2E' });
    const created = await call(url, 'mutation { createCustomer(input: {name: "Yangtze Valves", kind: ORGANISATION, listType: ENTERPRISE}) { customer { id } userErrors { field code message } } }', {}, consultant);
    const customerId = created.createCustomer.customer.id;

    // An internal app listening on the bus, from the start of the stream, filtered to complaint.opened.
    const jsm = await nc.jetstreamManager();
    const durable = `e2e-listener-${Date.now()}`;
    await jsm.consumers.add(streamFor('service-desk').name, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subject: complaintOpenedV1.type });
    const consumer = await nc.jetstream().consumers.get(streamFor('service-desk').name, durable);

    const opened = await callWhenKnown(
      url,
      'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id status } userErrors { field code message } } }',
      { i: { customerId, type: 'COMPLAINT', channel: 'HOTLINE', severity: 'CRITICAL', matter: 'Valve body cracked on delivery', complainant: { name: 'Mr Qian' } } },
      agent,
    );
    const ticketId = opened.openTicket.ticket.id;

    const read = await call(url, 'query($id: ID!) { customer(id: $id) { name owner { name } tickets { id type severity status firstResponder { id } } } }', { id: customerId }, consultant);
    expect(read.customer).toEqual({
      name: 'Yangtze Valves',
      owner: { name: 'Consultant E2E' },
      tickets: [{ id: ticketId, type: 'COMPLAINT', severity: 'CRITICAL', status: 'RECEIVED', firstResponder: { id: 'agent-e2e' } }],
    });

    // Other test files open complaints on the same stream meanwhile: read until this ticket's event.
    let event: Record<string, unknown> | undefined;
    const deadline = Date.now() + 10_000;
    while (!event && Date.now() < deadline) {
      const message = await consumer.next({ expires: 2_000 });
      if (!message) continue;
      message.ack();
      const candidate = JSON.parse(Buffer.from(message.data).toString());
      if (candidate.subject === ownIdOf(ticketId)) event = candidate;
    }
    expect(event).toMatchObject({ specversion: '1.0', type: complaintOpenedV1.type, subject: ownIdOf(ticketId), actorid: 'agent-e2e', data: { customerId: ownIdOf(customerId), severity: 'CRITICAL' } });
  });

  it('rejects unauthenticated and malformed requests with their codes before any subgraph is called', async () => {
    const before = await platform.services.accounts.metrics.getSingleMetricAsString('graphql_operations_total').catch(() => '');
    const anonymous = await graphql(url, '{ customers { totalCount } }');
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const malformed = await graphql(url, '{ customers { totalCount ', {}, gm);
    expect(malformed.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknownField = await graphql(url, '{ customers { nope } }', {}, gm);
    expect(unknownField.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const deep = '{ customers { edges { node { owner { department { consultants { department { consultants { department { consultants { department { consultants { department { name } } } } } } } } } } } } } }';
    expect((await graphql(url, deep, {}, gm)).errors?.[0].extensions?.code).toBe('QUERY_TOO_DEEP');
    const after = await platform.services.accounts.metrics.getSingleMetricAsString('graphql_operations_total').catch(() => '');
    expect(after).toBe(before);
  });

  it('resolves 50 customers with their owners, tickets and credit in one query per entity type per hop, and counts nothing unselected', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      const res = await call(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }', { i: { name: `Batch customer ${i}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-e2e', region: 'Batch' } }, gm);
      ids.push(res.createCustomer.customer.id);
    }
    await callWhenKnown(url, 'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }', { i: { customerId: ids[49], type: 'INQUIRY', channel: 'EMAIL', severity: 'LOW', matter: 'Catalogue?', complainant: { name: 'Buyer' } } }, agent);

    const commands: { service: string; name: string; collection: string; text: string }[] = [];
    const listeners = (['accounts', 'service-desk', 'credit'] as const).map((service) => {
      const client = platform.services[service].connection.getClient();
      const listener = (e: { commandName: string; command: Record<string, unknown> }) => {
        if (['find', 'aggregate', 'count'].includes(e.commandName)) commands.push({ service, name: e.commandName, collection: String(e.command[e.commandName]), text: JSON.stringify(e.command) });
      };
      client.on('commandStarted', listener as never);
      return () => client.off('commandStarted', listener as never);
    });
    const res = await call(url, '{ customers(first: 50, filter: {region: "Batch"}) { edges { node { id name owner { name } tickets { id } creditProfile { grade } } } } }', {}, gm);
    listeners.forEach((off) => off());

    expect(res.customers.edges).toHaveLength(50);
    expect(res.customers.edges.find((e: any) => e.node.id === ids[49]).node.tickets).toHaveLength(1);
    // Reads that serve the query name its region, its owner or its customers: the scheduled jobs' ticks (on their own
    // intervals, e.g. the sales-tier runner's look for requested runs) and the outbox relay's scans name none of them.
    const forTheQuery = (text: string) => (text.includes('"Batch"') || text.includes('c-e2e') || text.includes(ownIdOf(ids[49]))) && !text.includes('pendingEvents');
    const on = (service: string, collection: string) =>
      commands.filter((c) => c.service === service && c.collection === collection && c.name === 'find' && forTheQuery(c.text)).length;
    expect(on('service-desk', 'tickets')).toBe(1);
    expect(on('accounts', 'customers')).toBe(1);
    expect(on('accounts', 'consultants')).toBe(1);
    expect(on('credit', 'credit_profiles')).toBe(1);
    // totalCount is not selected, so nothing is counted; every read for this query is one of the four above.
    const served = commands.filter((c) => forTheQuery(c.text));
    console.log(`database commands for 50 customers + owners + tickets + credit: ${served.length} (${served.map((c) => `${c.service}.${c.collection} ${c.name}`).join(', ')})`);
    expect(served).toHaveLength(4);
  });

  it('keeps serving the other subgraphs when one is down', async () => {
    await platform.services.credit.stop();
    const res = await graphql(url, '{ customers(first: 2) { edges { node { name creditProfile { grade } } } } }', {}, gm);
    expect(res.data?.customers.edges.length).toBeGreaterThan(0);
    expect(res.data?.customers.edges[0].node.name).toEqual(expect.any(String));
    expect(res.errors?.length).toBeGreaterThan(0);
    const health = await fetch(`${platform.gateway.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
