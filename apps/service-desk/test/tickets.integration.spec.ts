import { complaintOpenedV1, customerCreatedV1, streamFor } from '@crm/contracts';
import { createEvent, encodeEvent, ensureStream } from '@crm/events';
import type { RunningService } from '@crm/kernel';
import { graphql, testServiceEnv, tokenFor } from '@crm/testing';
import { Types } from 'mongoose';
import { serviceDeskService } from '../src/service-desk.service';

const OPEN = `mutation($input: OpenTicketInput!) { openTicket(input: $input) { id type status firstResponderId promisedReplyBy openedAt customer { id } } }`;

/** Announce a customer the way accounts does: a real event on the real stream. */
async function announceCustomer(service: RunningService, owner = 'alice', department = 'D-EAST'): Promise<string> {
  const id = new Types.ObjectId().toHexString();
  const event = createEvent(customerCreatedV1, {
    subject: id,
    actor: { userId: owner, roles: ['consultant'] },
    data: { customer: { id, name: `Customer ${id.slice(-4)}`, kind: 'ORGANISATION', lifecycle: 'ACTIVE', ownerConsultantId: owner, departmentId: department, region: null } },
  });
  await ensureStream(service.bus.jsm, streamFor('accounts'));
  await service.bus.js.publish(event.type, encodeEvent(event), { msgID: event.id });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await service.connection.collection('known_customers').findOne({ _id: id as never })) return id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('service-desk never learned about the customer');
}

async function complaintEvents(service: RunningService, ticketId: string): Promise<any[]> {
  const stream = streamFor('service-desk').name;
  const info = await service.bus.jsm.streams.info(stream);
  const found = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
    const msg = await service.bus.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (msg?.subject === complaintOpenedV1.type && JSON.parse(Buffer.from(msg.data).toString()).subject === ticketId) found.push(JSON.parse(Buffer.from(msg.data).toString()));
  }
  return found;
}

describe('service-desk: tickets', () => {
  let service: RunningService;
  let agent: string;
  beforeAll(async () => {
    service = await serviceDeskService.start({ env: testServiceEnv('service-desk') });
    agent = await tokenFor({ sub: 'agent-7', roles: ['service_agent'] });
  });
  afterAll(() => service.stop());

  const complaint = (customerId: string) => ({
    customerId,
    type: 'COMPLAINT',
    channel: 'HOTLINE',
    severity: 'HIGH',
    matter: 'Delivered pump leaks',
    complainant: { name: 'Zhang San', contact: '13800000000' },
    product: 'P-100 pump',
  });

  it('opens a complaint with the caller as first responder and a promised reply time, and publishes complaint.opened once', async () => {
    const customerId = await announceCustomer(service);
    const res = await graphql(service.url, OPEN, { input: complaint(customerId) }, agent);
    expect(res.errors).toBeUndefined();
    const ticket = res.data!.openTicket;
    expect(ticket).toMatchObject({ type: 'COMPLAINT', status: 'RECEIVED', firstResponderId: 'agent-7', customer: { id: customerId } });
    expect(new Date(ticket.promisedReplyBy).getTime() - new Date(ticket.openedAt).getTime()).toBe(4 * 3600 * 1000);
    await service.flushOutbox();
    await service.flushOutbox();
    const events = await complaintEvents(service, ticket.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'crm.service-desk.complaint.opened', source: '/crm/service-desk', actorid: 'agent-7', data: { customerId, severity: 'HIGH' } });
  });

  it('publishes no complaint event for an inquiry', async () => {
    const customerId = await announceCustomer(service);
    const res = await graphql(service.url, OPEN, { input: { ...complaint(customerId), type: 'INQUIRY' } }, agent);
    await service.flushOutbox();
    expect(await complaintEvents(service, res.data!.openTicket.id)).toHaveLength(0);
  });

  it('refuses a ticket for a customer accounts never announced, leaving no ticket and no event', async () => {
    const before = await service.connection.collection('tickets').countDocuments();
    const res = await graphql(service.url, OPEN, { input: complaint(new Types.ObjectId().toHexString()) }, agent);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.customerId' });
    expect(await service.connection.collection('tickets').countDocuments()).toBe(before);
  });

  it('rejects malformed input with the offending field', async () => {
    const customerId = await announceCustomer(service);
    const res = await graphql(service.url, OPEN, { input: { ...complaint(customerId), matter: '   ' } }, agent);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.matter' });
  });

  it('scopes Customer.tickets like the customer: the owner sees them, another consultant and partners do not', async () => {
    const customerId = await announceCustomer(service, 'alice');
    await graphql(service.url, OPEN, { input: complaint(customerId) }, agent);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { tickets { id matter } } } }`;
    const reps = { r: [{ __typename: 'Customer', id: customerId }] };
    const alice = await graphql(service.url, query, reps, await tokenFor({ sub: 'alice', roles: ['consultant'], department_id: 'D-EAST' }));
    expect(alice.data!._entities[0].tickets).toHaveLength(1);
    const bob = await graphql(service.url, query, reps, await tokenFor({ sub: 'bob', roles: ['consultant'], department_id: 'D-EAST' }));
    expect(bob.data!._entities[0].tickets).toHaveLength(0);
    const partner = await graphql(service.url, query, reps, await tokenFor({ sub: 'p', roles: ['partner'], partner_id: 'P-1' }));
    expect(partner.data!._entities[0].tickets).toHaveLength(0);
  });

  it('forbids partners to open tickets', async () => {
    const customerId = await announceCustomer(service);
    const res = await graphql(service.url, OPEN, { input: complaint(customerId) }, await tokenFor({ sub: 'p', roles: ['partner'], partner_id: 'P-1' }));
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
