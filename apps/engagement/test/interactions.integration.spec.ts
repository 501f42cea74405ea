import { interactionLoggedV1, streamFor } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { announceCustomer, graphql, testServiceEnv, tokenFor, eventsOnStream, eventsAboutCustomer } from '@crm/testing';
import { randomBytes } from 'node:crypto';
import { engagementService } from '../src/engagement.service';

const LOG = `mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) {
    interaction { id customer { id } channel occurredAt contactedBy { id kind } summary outcome nextStep loggedBy { id kind } loggedAt }
    userErrors { field code message }
  }
}`;
const ENTITIES = `query($r: [_Any!]!, $first: Int) { _entities(representations: $r) { ... on Customer { id interactions(first: $first) { id summary occurredAt } } } }`;

const newCustomerId = () => randomBytes(12).toString('hex');
// Unique per run, so an event published for it can only come from this run's malformed input.
const malformedCustomerId = `not-a-customer-${randomBytes(4).toString('hex')}`;
const stream = streamFor('engagement').name;

interface PublishedEvent {
  subject: string;
  data: Record<string, unknown>;
}
interface CustomerInteractions {
  _entities: { id: string; interactions: { id: string; summary: string }[] }[];
}

async function publishedEvents(service: RunningService, subject: string): Promise<PublishedEvent[]> {
  await service.flushOutbox();
  return eventsOnStream(service.bus.jsm, stream, interactionLoggedV1.type, subject);
}

/** Events on the stream about one customer (the stream's total moves with other test files). */
async function eventsAbout(service: RunningService, customerId: string) {
  await service.flushOutbox();
  return eventsAboutCustomer(service.bus.jsm, stream, customerId);
}

describe('engagement: interactions', () => {
  let service: RunningService;
  let alice: string;
  let manager: string;
  let partner: string;
  const interactions = () => service.connection.collection('interactions');

  beforeAll(async () => {
    service = await engagementService.start({ env: testServiceEnv('engagement') });
    alice = await tokenFor({ sub: 'alice', roles: ['consultant'], department_id: 'D-EAST' });
    manager = await tokenFor({ sub: 'mgr-east', roles: ['department_manager'], department_id: 'D-EAST' });
    partner = await tokenFor({ sub: 'portal-user', roles: ['partner'], partner_id: 'P-9' });
  });
  afterAll(() => service.stop());

  const log = (token: string, input: Record<string, unknown>) => graphql(service.url, LOG, { input }, token);
  const validInput = (customerId: string, overrides: Record<string, unknown> = {}) => ({
    customerId,
    channel: 'PHONE',
    occurredAt: '2025-01-15T08:30:00Z',
    summary: 'Discussed the spring order',
    outcome: 'Interested in 20 units',
    nextStep: 'Send a quotation by Friday',
    ...overrides,
  });

  it('logs an interaction by the calling consultant and publishes interaction.logged exactly once', async () => {
    const customerId = await announceCustomer(service);
    const res = await log(alice, validInput(customerId));
    expect(res.errors).toBeUndefined();
    expect(res.data!.logInteraction.userErrors).toEqual([]);
    const interaction = res.data!.logInteraction.interaction;
    expect(interaction).toMatchObject({
      customer: { id: customerId },
      channel: 'PHONE',
      occurredAt: '2025-01-15T08:30:00.000Z',
      contactedBy: { id: 'alice', kind: 'STAFF_MEMBER' },
      loggedBy: { id: 'alice', kind: 'STAFF_MEMBER' },
      summary: 'Discussed the spring order',
      outcome: 'Interested in 20 units',
      nextStep: 'Send a quotation by Friday',
    });

    const read = await graphql(service.url, 'query($id: ID!) { interaction(id: $id) { id summary } }', { id: interaction.id }, manager);
    expect(read.data!.interaction).toEqual({ id: interaction.id, summary: 'Discussed the spring order' });

    const events = await publishedEvents(service, interaction.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      specversion: '1.0',
      type: 'crm.engagement.interaction.logged',
      source: '/crm/engagement',
      subject: interaction.id,
      datacontenttype: 'application/json',
      dataschema: 'urn:crm:event:crm.engagement.interaction.logged:v1',
      actorid: 'alice',
      actorroles: 'consultant',
      data: { interactionId: interaction.id, customerId, channel: 'PHONE', staffId: 'alice', occurredAt: '2025-01-15T08:30:00.000Z', nextStep: 'Send a quotation by Friday' },
    });
    // The relay cleared the outbox once the event was on the stream.
    expect(await interactions().countDocuments({ 'pendingEvents.0': { $exists: true } })).toBe(0);
  });

  it.each([
    ['input.customerId', { customerId: malformedCustomerId }],
    ['input.summary', { summary: '   ' }],
    ['input.occurredAt', { occurredAt: new Date(Date.now() + 24 * 3600_000).toISOString() }],
  ])('rejects a bad %s with a BAD_USER_INPUT user error and writes no document and no event', async (field, overrides) => {
    const documentsBefore = await interactions().countDocuments();
    const input = validInput(newCustomerId(), overrides);
    const res = await log(alice, input);
    expect(res.errors).toBeUndefined();
    expect(res.data!.logInteraction.interaction).toBeNull();
    expect(res.data!.logInteraction.userErrors).toContainEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field: field.split('.') }));
    expect(await interactions().countDocuments()).toBe(documentsBefore);
    // About the customer id that was sent (the malformed one, in the input.customerId row).
    expect(await eventsAbout(service, input.customerId)).toEqual([]);
  });

  it('refuses a value the DateTime scalar rejects before anything runs: a top-level BAD_USER_INPUT naming the field', async () => {
    const documentsBefore = await interactions().countDocuments();
    const input = validInput(newCustomerId(), { occurredAt: 'yesterday' });
    const res = await log(alice, input);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.occurredAt' });
    expect(await interactions().countDocuments()).toBe(documentsBefore);
    expect(await eventsAbout(service, input.customerId)).toEqual([]);
  });

  it('lists every problem of an input at once, one user error each', async () => {
    const documentsBefore = await interactions().countDocuments();
    const input = validInput(newCustomerId(), { summary: '   ', outcome: 'x'.repeat(2001), nextStep: 'y'.repeat(2001) });
    const res = await log(alice, input);
    expect(res.data!.logInteraction).toEqual({
      interaction: null,
      userErrors: expect.arrayContaining([
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'summary'] }),
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'outcome'] }),
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'nextStep'] }),
      ]),
    });
    expect(res.data!.logInteraction.userErrors).toHaveLength(3);
    expect(await interactions().countDocuments()).toBe(documentsBefore);
    expect(await eventsAbout(service, input.customerId)).toEqual([]);
  });

  it('refuses a consultant logging for someone else, but lets their manager', async () => {
    const customerId = await announceCustomer(service);
    const forbidden = await log(alice, validInput(customerId, { staffId: 'bob' }));
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await interactions().countDocuments({ customerId })).toBe(0);

    const allowed = await log(manager, validInput(customerId, { staffId: 'bob' }));
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.logInteraction.interaction).toMatchObject({ contactedBy: { id: 'bob', kind: 'STAFF_MEMBER' }, loggedBy: { id: 'mgr-east', kind: 'STAFF_MEMBER' } });
  });

  it('gives a partner FORBIDDEN on logInteraction and nothing on reads', async () => {
    const customerId = await announceCustomer(service);
    const logged = await log(alice, validInput(customerId));
    const res = await log(partner, validInput(customerId));
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const read = await graphql(service.url, 'query($id: ID!) { interaction(id: $id) { id } }', { id: logged.data!.logInteraction.interaction.id }, partner);
    // NOT_FOUND, as for an id nobody has: a partner does not learn the interaction exists.
    expect(read.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(read.data?.interaction ?? null).toBeNull();
    const entities = await graphql(service.url, ENTITIES, { r: [{ __typename: 'Customer', id: customerId }] }, partner);
    expect(entities.data!._entities).toEqual([{ id: customerId, interactions: [] }]);
  });

  it('answers UNAUTHENTICATED without a token', async () => {
    const mutation = await log('', validInput(newCustomerId()));
    expect(mutation.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const query = await graphql(service.url, '{ interaction(id: "000000000000000000000000") { id } }');
    expect(query.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('resolves Customer.interactions through _entities for several customers, newest first, cut to first', async () => {
    const [a, b, c] = [await announceCustomer(service), await announceCustomer(service), await announceCustomer(service)];
    for (const [customerId, day] of [[a, '10'], [a, '12'], [a, '11'], [b, '05']]) {
      const res = await log(alice, validInput(customerId, { occurredAt: `2025-02-${day}T10:00:00Z`, summary: `call on ${day}` }));
      expect(res.errors).toBeUndefined();
    }
    const representations = [a, b, c].map((id) => ({ __typename: 'Customer', id }));

    const all = await graphql<CustomerInteractions>(service.url, ENTITIES, { r: representations }, manager);
    expect(all.errors).toBeUndefined();
    expect(all.data!._entities.map((e) => [e.id, e.interactions.map((i) => i.summary)])).toEqual([
      [a, ['call on 12', 'call on 11', 'call on 10']],
      [b, ['call on 05']],
      [c, []],
    ]);

    const firstTwo = await graphql<CustomerInteractions>(service.url, ENTITIES, { r: representations, first: 2 }, manager);
    expect(firstTwo.data!._entities[0].interactions.map((i) => i.summary)).toEqual(['call on 12', 'call on 11']);
  });

  it('refuses a page larger than 100 with BAD_USER_INPUT on first', async () => {
    const res = await graphql(service.url, ENTITIES, { r: [{ __typename: 'Customer', id: newCustomerId() }], first: 1000 }, manager);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
