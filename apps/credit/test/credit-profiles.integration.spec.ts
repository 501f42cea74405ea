import { creditProfileChangedV1, streamFor } from '@crm/contracts';
import { fixedClock, type RunningService } from '@crm/kernel';
import { announceCustomer, graphql, testServiceEnv, tokenFor, eventsOnStream, eventsAboutCustomer } from '@crm/testing';
import { randomBytes } from 'node:crypto';
import { creditService } from '../src/credit.service';

const SET = `mutation($input: SetCreditProfileInput!) {
  setCreditProfile(input: $input) {
    creditProfile {
      id customerId customer { id } grade creditLimit currency paymentTermDays frozen reviewedAt reviewedBy { id kind staffMember { id } } nextReviewDue revision
      history { at actor { id kind } before { grade creditLimit } after { grade creditLimit paymentTermDays frozen } }
    }
    userErrors { field code message }
  }
}`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id creditProfile { customerId grade creditLimit } } } }`;

const newCustomerId = () => randomBytes(12).toString('hex');
const stream = streamFor('credit').name;

interface PublishedEvent {
  subject: string;
  data: Record<string, unknown>;
}

async function publishedEvents(service: RunningService, subject: string): Promise<PublishedEvent[]> {
  await service.flushOutbox();
  return eventsOnStream(service.bus.jsm, stream, creditProfileChangedV1.type, subject);
}

/** Events on the stream about one customer (the stream's total moves with other test files). */
async function eventsAbout(service: RunningService, customerId: string) {
  await service.flushOutbox();
  return eventsAboutCustomer(service.bus.jsm, stream, customerId);
}

describe('credit: credit profiles', () => {
  const clock = fixedClock('2025-01-31T08:00:00Z');
  let service: RunningService;
  let finance: string;
  let gm: string;
  let consultant: string;
  let manager: string;
  let partner: string;
  const profiles = () => service.connection.collection('credit_profiles');

  beforeAll(async () => {
    service = await creditService.start({ env: testServiceEnv('credit'), clock });
    finance = await tokenFor({ sub: 'fin-1', roles: ['finance'] });
    gm = await tokenFor({ sub: 'gm-1', roles: ['general_manager'] });
    consultant = await tokenFor({ sub: 'alice', roles: ['consultant'], department_id: 'D-EAST' });
    manager = await tokenFor({ sub: 'mgr-east', roles: ['department_manager'], department_id: 'D-EAST' });
    partner = await tokenFor({ sub: 'portal-user', roles: ['partner'], partner_id: 'P-9' });
  });
  afterAll(() => service.stop());

  const set = (token: string, customerId: string, input: Record<string, unknown>) => graphql(service.url, SET, { input: { customerId, ...input } }, token);
  /** The profile a successful set answers (no top-level error, no user error). */
  const setOk = async (token: string, customerId: string, input: Record<string, unknown>) => {
    const res = await set(token, customerId, input);
    expect(res.errors).toBeUndefined();
    expect(res.data!.setCreditProfile.userErrors).toEqual([]);
    return res.data!.setCreditProfile.creditProfile;
  };
  /** The user errors of a refused set: its record is null. */
  const userErrorsOf = (res: Awaited<ReturnType<typeof set>>) => {
    expect(res.errors).toBeUndefined();
    expect(res.data!.setCreditProfile.creditProfile).toBeNull();
    return res.data!.setCreditProfile.userErrors as { field: string[] | null; code: string; message: string }[];
  };
  const gradeA = (overrides: Record<string, unknown> = {}) => ({ grade: 'A', creditLimit: 800_000, paymentTermDays: 45, expectedRevision: 0, ...overrides });

  it('creates a profile for finance with CNY, the grade\'s review date and a first history entry, and publishes profile.changed once', async () => {
    const customerId = newCustomerId();
    expect(await setOk(finance, customerId, gradeA())).toEqual({
      id: `${customerId}:credit-profile`,
      customerId,
      customer: { id: customerId },
      grade: 'A',
      creditLimit: 800_000,
      currency: 'CNY',
      paymentTermDays: 45,
      frozen: false,
      reviewedAt: '2025-01-31T08:00:00.000Z',
      reviewedBy: { id: 'fin-1', kind: 'STAFF_MEMBER', staffMember: { id: 'fin-1' } },
      nextReviewDue: '2025-07-31T08:00:00.000Z',
      revision: 1,
      history: [{ at: '2025-01-31T08:00:00.000Z', actor: { id: 'fin-1', kind: 'STAFF_MEMBER' }, before: null, after: { grade: 'A', creditLimit: 800_000, paymentTermDays: 45, frozen: false } }],
    });

    const events = await publishedEvents(service, customerId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      specversion: '1.0',
      type: 'crm.credit.profile.changed',
      source: '/crm/credit',
      subject: customerId,
      time: '2025-01-31T08:00:00.000Z',
      datacontenttype: 'application/json',
      dataschema: 'urn:crm:event:crm.credit.profile.changed:v1',
      actorid: 'fin-1',
      actorroles: 'finance',
      data: { customerId, grade: 'A', previousGrade: null, creditLimit: 800_000, currency: 'CNY', paymentTermDays: 45, frozen: false, revision: 1 },
    });
    expect(await profiles().countDocuments({ 'pendingEvents.0': { $exists: true } })).toBe(0);
  });

  it('reviews an existing profile at the revision read, keeping before and after in the history', async () => {
    const customerId = newCustomerId();
    await setOk(finance, customerId, gradeA());
    clock.advance(24 * 3600_000);
    const profile = await setOk(gm, customerId, { grade: 'C', creditLimit: 20_000, paymentTermDays: 30, frozen: true, expectedRevision: 1 });
    clock.set('2025-01-31T08:00:00Z');
    expect(profile).toMatchObject({ grade: 'C', creditLimit: 20_000, frozen: true, reviewedBy: { id: 'gm-1', kind: 'STAFF_MEMBER' }, reviewedAt: '2025-02-01T08:00:00.000Z', nextReviewDue: '2025-05-01T08:00:00.000Z', revision: 2 });
    expect(profile.history).toEqual([
      expect.objectContaining({ actor: { id: 'fin-1', kind: 'STAFF_MEMBER' }, before: null }),
      { at: '2025-02-01T08:00:00.000Z', actor: { id: 'gm-1', kind: 'STAFF_MEMBER' }, before: { grade: 'A', creditLimit: 800_000 }, after: { grade: 'C', creditLimit: 20_000, paymentTermDays: 30, frozen: true } },
    ]);
    const events = await publishedEvents(service, customerId);
    expect(events.map((e) => [e.data.revision, e.data.previousGrade, e.data.grade])).toEqual([
      [1, null, 'A'],
      [2, 'A', 'C'],
    ]);
  });

  it('refuses a stale expectedRevision with a CONFLICT user error and leaves the profile as it was', async () => {
    const customerId = newCustomerId();
    await setOk(finance, customerId, gradeA());
    const again = userErrorsOf(await set(finance, customerId, gradeA({ creditLimit: 1 })));
    expect(again).toEqual([expect.objectContaining({ field: null, code: 'CONFLICT' })]);
    const stale = userErrorsOf(await set(finance, customerId, gradeA({ creditLimit: 1, expectedRevision: 7 })));
    expect(stale).toEqual([{ field: null, code: 'CONFLICT', message: 'The credit profile is at revision 1, not 7; reload and try again' }]);
    expect(await profiles().findOne({ _id: customerId as never })).toMatchObject({ creditLimit: 800_000, revision: 1 });
    expect(await publishedEvents(service, customerId)).toHaveLength(1);
  });

  it('lets exactly one of two concurrent writes at the same revision through; the other gets CONFLICT', async () => {
    const customerId = newCustomerId();
    const outcome = (res: Awaited<ReturnType<typeof set>>) => (res.errors ? 'ERROR' : (res.data!.setCreditProfile.userErrors[0]?.code ?? (res.data!.setCreditProfile.creditProfile ? 'OK' : 'NONE')));
    const creates = await Promise.all([set(finance, customerId, gradeA()), set(gm, customerId, gradeA({ creditLimit: 1000 }))]);
    expect(creates.map(outcome).sort()).toEqual(['CONFLICT', 'OK']);
    const reviews = await Promise.all([set(finance, customerId, gradeA({ expectedRevision: 1, creditLimit: 5 })), set(gm, customerId, gradeA({ expectedRevision: 1, creditLimit: 6 }))]);
    expect(reviews.map(outcome).sort()).toEqual(['CONFLICT', 'OK']);
    expect(await profiles().findOne({ _id: customerId as never })).toMatchObject({ revision: 2, history: [expect.anything(), expect.anything()] });
    expect(await publishedEvents(service, customerId)).toHaveLength(2);
  });

  it.each([
    ['input.creditLimit', 'a D customer is given credit', { grade: 'D', creditLimit: 1000, paymentTermDays: 0 }],
    ['input.creditLimit', 'a B limit exceeds 200 000', { grade: 'B', creditLimit: 250_000, paymentTermDays: 30 }],
    ['input.creditLimit', 'the limit is negative', { creditLimit: -5 }],
    ['input.paymentTermDays', 'the term exceeds the grade\'s', { paymentTermDays: 120 }],
    ['input.currency', 'the currency is not an ISO code', { currency: 'yuan' }],
    ['input.nextReviewDue', 'the next review is later than the grade allows', { nextReviewDue: '2026-01-01T00:00:00Z' }],
  ])('answers a BAD_USER_INPUT user error on %s when %s, writing no document and no event', async (field, _why, overrides) => {
    const customerId = newCustomerId();
    const documentsBefore = await profiles().countDocuments();
    const errors = userErrorsOf(await set(finance, customerId, gradeA(overrides)));
    expect(errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: field.split('.') })]);
    expect(await profiles().countDocuments()).toBe(documentsBefore);
    expect(await eventsAbout(service, customerId)).toEqual([]);
  });

  it('answers a malformed customer id as a BAD_USER_INPUT user error on input.customerId', async () => {
    const documentsBefore = await profiles().countDocuments();
    expect(userErrorsOf(await set(finance, 'not-a-customer', gradeA()))).toEqual([{ field: ['input', 'customerId'], code: 'BAD_USER_INPUT', message: 'must be a customer id' }]);
    expect(await profiles().countDocuments()).toBe(documentsBefore);
  });

  it('lists every problem of an input at once, one user error each, and writes nothing', async () => {
    const documentsBefore = await profiles().countDocuments();
    const shapeErrors = userErrorsOf(await set(finance, 'not-a-customer', gradeA({ creditLimit: -5, currency: 'yuan', paymentTermDays: -1 })));
    expect(shapeErrors.map((e) => [e.code, e.field?.join('.')])).toEqual([
      ['BAD_USER_INPUT', 'input.customerId'],
      ['BAD_USER_INPUT', 'input.creditLimit'],
      ['BAD_USER_INPUT', 'input.currency'],
      ['BAD_USER_INPUT', 'input.paymentTermDays'],
    ]);
    // Well-formed terms the grade's policy refuses are listed together too.
    const customerId = newCustomerId();
    const policyErrors = userErrorsOf(await set(finance, customerId, { grade: 'C', creditLimit: 60_000, paymentTermDays: 45, nextReviewDue: '2026-01-01T00:00:00Z', expectedRevision: 0 }));
    expect(policyErrors.map((e) => e.field?.join('.'))).toEqual(['input.creditLimit', 'input.paymentTermDays', 'input.nextReviewDue']);
    expect(await profiles().countDocuments()).toBe(documentsBefore);
    expect(await eventsAbout(service, customerId)).toEqual([]);
  });

  it.each([
    ['a consultant', () => consultant],
    ['a department manager', () => manager],
    ['a partner', () => partner],
  ])('refuses %s with FORBIDDEN and writes nothing', async (_who, token) => {
    const customerId = newCustomerId();
    const res = await set(token(), customerId, gradeA());
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await profiles().countDocuments({ _id: customerId as never })).toBe(0);
  });

  it('answers UNAUTHENTICATED without a token', async () => {
    const res = await set('', newCustomerId(), gradeA());
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const query = await graphql(service.url, 'query($c: ID!) { creditProfile(customerId: $c) { grade } }', { c: newCustomerId() });
    expect(query.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('resolves Customer.creditProfile through _entities for several customers, null until set', async () => {
    // The consultant's own customers, as accounts announced them.
    const [a, b, c] = [await announceCustomer(service), await announceCustomer(service), await announceCustomer(service)];
    await setOk(finance, a, gradeA());
    await setOk(finance, b, { grade: 'AAA', creditLimit: 20_000_000, paymentTermDays: 90, expectedRevision: 0 });
    const res = await graphql(service.url, ENTITIES, { r: [a, b, c].map((id) => ({ __typename: 'Customer', id })) }, consultant);
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toEqual([
      { id: a, creditProfile: { customerId: a, grade: 'A', creditLimit: 800_000 } },
      { id: b, creditProfile: { customerId: b, grade: 'AAA', creditLimit: 20_000_000 } },
      { id: c, creditProfile: null },
    ]);
    const byKey = await graphql(service.url, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on CreditProfile { grade } } }', { r: [{ __typename: 'CreditProfile', customerId: b }] }, consultant);
    expect(byKey.data!._entities).toEqual([{ grade: 'AAA' }]);
  });

  it('shows a partner no credit profile', async () => {
    const customerId = newCustomerId();
    await setOk(finance, customerId, gradeA());
    const entities = await graphql(service.url, ENTITIES, { r: [{ __typename: 'Customer', id: customerId }] }, partner);
    expect(entities.errors).toBeUndefined();
    expect(entities.data!._entities).toEqual([{ id: customerId, creditProfile: null }]);
    // Asked for by customer id, it is NOT_FOUND, as a missing profile would be for them: existence is not revealed.
    const direct = await graphql(service.url, 'query($c: ID!) { creditProfile(customerId: $c) { grade } }', { c: customerId }, partner);
    expect(direct.data?.creditProfile ?? null).toBeNull();
    expect(direct.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'NOT_FOUND', entity: 'CreditProfile', id: customerId })]);
  });

  it('answers creditProfile(customerId) by the read rule: a malformed id, an unknown customer, a customer without a profile', async () => {
    const ask = (c: string, token: string) => graphql(service.url, 'query($c: ID!) { creditProfile(customerId: $c) { grade } }', { c }, token);
    expect((await ask('not-an-id', finance)).errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'customerId' })]);
    // A scoped reader cannot see a customer accounts never announced: NOT_FOUND, naming the customer.
    const unknown = newCustomerId();
    expect((await ask(unknown, consultant)).errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'NOT_FOUND', entity: 'Customer', id: unknown })]);
    // A customer the caller reads that has no profile yet answers null, without an error.
    const none = await ask(unknown, finance);
    expect(none.errors).toBeUndefined();
    expect(none.data!.creditProfile).toBeNull();
  });
});
