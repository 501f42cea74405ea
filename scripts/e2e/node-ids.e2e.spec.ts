// Object identification through the gateway: every Node's id is a global id, node(id:)/nodes(ids:) read any of
// them back with the rules of the type's own root field, and ids go back in wherever an id is taken.
import { fromGlobalId, ownIdOf, toGlobalId } from '@crm/contracts';
import { graphql, tokenFor } from '@crm/testing';
import { call, callWhenKnown } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

describe('global ids and node(id:) through the gateway', () => {
  let platform: RunningPlatform;
  let url: string;
  let gm: string;
  let consultant: string;
  let partner: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    gm = await tokenFor({ sub: 'gm-node', roles: ['general_manager'] });
    consultant = await tokenFor({ sub: 'c-node-other', roles: ['consultant'], department_id: 'D-NODE' });
    partner = await tokenFor({ sub: 'portal-node', roles: ['partner'], partner_id: 'P-NODE' });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-NODE", name: "Nodes"}) { department { id } userErrors { code message } } }', {}, gm);
    await call(url, 'mutation { upsertConsultant(input: {id: "c-node", name: "Consultant Node", departmentId: "D-NODE"}) { consultant { id } userErrors { code message } } }', {}, gm);
    const created = await call(
      url,
      'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }',
      { i: { name: 'Node Valves', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-node' } },
      gm,
    );
    ids.customer = created.createCustomer.customer.id;
    const opened = await callWhenKnown(
      url,
      'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }',
      { i: { customerId: ids.customer, type: 'COMPLAINT', channel: 'HOTLINE', severity: 'HIGH', matter: 'Valve leaks', complainant: { name: 'Ms Lin' } } },
      gm,
    );
    ids.ticket = opened.openTicket.ticket.id;
    const logged = await callWhenKnown(
      url,
      'mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } userErrors { field code message } } }',
      { i: { customerId: ids.customer, channel: 'PHONE', occurredAt: new Date(Date.now() - 60_000).toISOString(), summary: 'Called' } },
      gm,
    );
    ids.interaction = logged.logInteraction.interaction.id;
  });
  afterAll(() => platform?.stop());

  it('answers global ids that name their type, and takes them back as arguments and in inputs', async () => {
    expect(fromGlobalId(ids.customer)?.type).toBe('Customer');
    expect(fromGlobalId(ids.ticket)?.type).toBe('Ticket');
    expect(fromGlobalId(ids.interaction)?.type).toBe('Interaction');
    const read = await call(url, 'query($id: ID!) { ticket(id: $id) { id customer { id } } }', { id: ids.ticket }, gm);
    expect(read.ticket).toEqual({ id: ids.ticket, customer: { id: ids.customer } });
    // An own id (as events carry it) is still accepted, and answered as the global id.
    const byOwnId = await call(url, 'query($id: ID!) { customer(id: $id) { id } }', { id: ownIdOf(ids.customer) }, gm);
    expect(byOwnId.customer).toEqual({ id: ids.customer });
  });

  it('reads any node back by its global id, with its type fragments', async () => {
    const data = await call(
      url,
      `query($c: ID!, $t: ID!) {
        c: node(id: $c) { id __typename ... on Customer { name } }
        t: node(id: $t) { id ... on Ticket { status customer { name } } }
      }`,
      { c: ids.customer, t: ids.ticket },
      gm,
    );
    expect(data).toEqual({ c: { id: ids.customer, __typename: 'Customer', name: 'Node Valves' }, t: { id: ids.ticket, status: 'RECEIVED', customer: { name: 'Node Valves' } } });
    // A global id of a record that is not there answers null with ticket(id:)'s NOT_FOUND at its place in the list.
    const many = await graphql(url, 'query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }', { ids: [ids.interaction, toGlobalId('Ticket', '000000000000000000000000'), ids.customer] }, gm);
    expect(many.data?.nodes).toEqual([{ id: ids.interaction, __typename: 'Interaction' }, null, { id: ids.customer, __typename: 'Customer' }]);
    expect(many.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['NOT_FOUND', ['nodes', 1]]]);
  });

  it('refuses a node as its own root field would: FORBIDDEN for staff out of scope, NOT_FOUND for partners', async () => {
    const asConsultant = await graphql(url, 'query($id: ID!) { node(id: $id) { id } }', { id: ids.ticket }, consultant);
    expect(asConsultant.data?.node).toBeNull();
    expect(asConsultant.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN', ['node']]]);
    const asPartner = await graphql(url, 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [ids.interaction] }, partner);
    expect(asPartner.data?.nodes).toEqual([null]);
    expect(asPartner.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['NOT_FOUND', ['nodes', 0]]]);
  });
});
