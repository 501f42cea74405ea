import { creditReviewOverdueV1, streamFor } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { eventually, eventsOnStream, graphql, PROJECTION_WAIT_MS } from '@crm/testing';
import { creditTokens, knownCustomer, ok, SET_PROFILE, startCredit } from './credit-fixture';

jest.setTimeout(120_000);

const stream = streamFor('credit').name;
const DUE = `query($asOf: DateTime, $within: Int, $first: Int, $after: String) { creditReviewsDue(asOf: $asOf, withinDays: $within, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
  edges { node { id customerId grade dueAt reviewedAt status daysOverdue overdueAnnounced creditProfile { id creditLimit } } } } }`;

describe('credit: the credit review (reviews due and overdue, the overdue event once)', () => {
  let service: RunningService;
  let clock: Awaited<ReturnType<typeof startCredit>>['clock'];
  let t: Awaited<ReturnType<typeof creditTokens>>;
  let early: string;
  let quarterly: string;
  let halfYearly: string;

  beforeAll(async () => {
    ({ service, clock } = await startCredit('2025-01-10T02:00:00Z', { CREDIT_REVIEW_WATCH_INTERVAL_MS: '200' }));
    t = await creditTokens();
    [early, quarterly, halfYearly] = [await knownCustomer(service), await knownCustomer(service), await knownCustomer(service)];
    const set = (customerId: string, grade: string, creditLimit: number, extra: Record<string, unknown> = {}) =>
      ok(service, SET_PROFILE, { i: { customerId, grade, creditLimit, paymentTermDays: 30, expectedRevision: 0, ...extra } }, t.finance, 'creditProfile');
    await set(early, 'C', 10_000, { nextReviewDue: '2025-02-01T02:00:00Z' });
    await set(quarterly, 'C', 20_000); // due 2025-04-10T02:00Z, the C grade's three months
    await set(halfYearly, 'A', 30_000); // due 2025-07-10T02:00Z
  });
  afterAll(() => service.stop());

  const overdueEvents = async (customerId: string) => {
    await service.flushOutbox();
    return eventsOnStream(service.bus.jsm, stream, creditReviewOverdueV1.type, customerId);
  };
  const raisedFor = (customerId: string, due: string) =>
    eventually(async () => {
      const profile = await service.connection.collection('credit_profiles').findOne({ _id: customerId as never });
      if (profile?.reviewOverdueRaisedFor?.toISOString() !== due) throw new Error('not announced yet');
    }, PROJECTION_WAIT_MS);

  it('lists the reviews overdue and due within the window, the earliest first, with the grade that caps the terms', async () => {
    const res = await graphql(service.url, DUE, { asOf: '2025-03-01T02:00:00Z', within: 60 }, t.finance);
    expect(res.errors).toBeUndefined();
    expect(res.data!.creditReviewsDue.totalCount).toBe(2);
    expect(res.data!.creditReviewsDue.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { id: `${early}:credit-review:2025-02-01T02:00:00.000Z`, customerId: early, grade: 'C', dueAt: '2025-02-01T02:00:00.000Z', reviewedAt: '2025-01-10T02:00:00.000Z', status: 'OVERDUE', daysOverdue: 28, overdueAnnounced: false, creditProfile: { id: `${early}:credit-profile`, creditLimit: 10_000 } },
      expect.objectContaining({ customerId: quarterly, status: 'DUE', dueAt: '2025-04-10T02:00:00.000Z', daysOverdue: 0 }),
    ]);
    // The default window is 30 days: only the overdue one.
    const narrow = await graphql(service.url, DUE, { asOf: '2025-03-01T02:00:00Z' }, t.gm);
    expect(narrow.data!.creditReviewsDue.edges.map((e: { node: { customerId: string } }) => e.node.customerId)).toEqual([early]);
  });

  it('pages forwards with exact page info, and refuses a forged cursor and a bad window by argument', async () => {
    const first = (await graphql(service.url, DUE, { asOf: '2025-03-01T02:00:00Z', within: 366, first: 2 }, t.finance)).data!.creditReviewsDue;
    expect(first).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    const rest = (await graphql(service.url, DUE, { asOf: '2025-03-01T02:00:00Z', within: 366, first: 2, after: first.pageInfo.endCursor }, t.finance)).data!.creditReviewsDue;
    expect(rest).toMatchObject({ pageInfo: { hasNextPage: false, hasPreviousPage: true } });
    expect(rest.edges.map((e: { node: { customerId: string } }) => e.node.customerId)).toEqual([halfYearly]);
    expect((await graphql(service.url, DUE, { after: 'bm9wZQ' }, t.finance)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect((await graphql(service.url, DUE, { within: -1 }, t.finance)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'withinDays' });
    expect((await graphql(service.url, DUE, { within: 367 }, t.finance)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'withinDays' });
  });

  it('keeps the list to finance and the general manager', async () => {
    for (const token of [t.alice, t.east, t.partner]) expect((await graphql(service.url, DUE, {}, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('raises crm.credit.review.overdue once per profile and due date, and again after the next review falls overdue', async () => {
    clock.set('2025-03-01T02:00:00Z');
    await raisedFor(early, '2025-02-01T02:00:00.000Z');
    // Several more watch runs: still one event, and none for the reviews not yet overdue.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const events = await overdueEvents(early);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorid: 'system:credit-review', data: { customerId: early, grade: 'C', dueAt: '2025-02-01T02:00:00.000Z', reviewedAt: '2025-01-10T02:00:00.000Z', revision: 1 } });
    expect(await overdueEvents(quarterly)).toEqual([]);
    const listed = (await graphql(service.url, DUE, { within: 0 }, t.finance)).data!.creditReviewsDue.edges[0].node;
    expect(listed).toMatchObject({ customerId: early, overdueAnnounced: true });

    // Finance reviews it: a new due date (the C grade's three months), and the list no longer shows it as overdue.
    await ok(service, SET_PROFILE, { i: { customerId: early, grade: 'C', creditLimit: 10_000, paymentTermDays: 30, expectedRevision: 1 } }, t.finance, 'creditProfile');
    expect((await graphql(service.url, DUE, { within: 0 }, t.finance)).data!.creditReviewsDue.totalCount).toBe(0);

    clock.set('2025-06-02T02:00:00Z');
    await raisedFor(early, '2025-06-01T02:00:00.000Z');
    await raisedFor(quarterly, '2025-04-10T02:00:00.000Z');
    expect((await overdueEvents(early)).map((e) => e.data.dueAt)).toEqual(['2025-02-01T02:00:00.000Z', '2025-06-01T02:00:00.000Z']);
    expect((await overdueEvents(early)).map((e) => e.data.revision)).toEqual([1, 2]);
    expect(await overdueEvents(halfYearly)).toEqual([]);
  });
});
