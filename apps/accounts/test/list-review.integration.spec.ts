import { DAY, MONDAY_9AM, startAccountsWorld, USER_ERRORS, type AccountsWorld } from './accounts-fixture';

const REVIEW = `mutation($i: ReviewCustomerInput!) { reviewCustomer(input: $i) { customer { id address lastVerifiedAt lastVerifiedBy { id }
  listReview { id dueAt overdue lastReviewedAt lastReviewedBy { id kind } reviews { at reviewedBy { id kind staffMember { name } } note correctedFields } } } ${USER_ERRORS} } }`;
const READ = `query($id: ID!) { customer(id: $id) { listReview { id dueAt overdue lastReviewedAt reviews { reviewedBy { id } } } } }`;
const DUE = `query($f: CustomerFilter, $s: CustomerSort) { customers(filter: $f, sort: $s, first: 200) { edges { node { id listReview { dueAt } } } } }`;

describe('accounts: the two-yearly review of the customer list', () => {
  let w: AccountsWorld;
  beforeAll(async () => {
    w = await startAccountsWorld();
  });
  beforeEach(() => w.clock.set(MONDAY_9AM));
  afterAll(() => w.service.stop());

  it('makes the first review due two years after a customer enters the archive', async () => {
    const id = await w.customer({ name: 'Review Due Co' });
    const { customer } = await w.ok(READ, { id }, w.tokens.alice);
    expect(customer.listReview).toEqual({ id: `${id}:list-review`, dueAt: '2027-03-03T01:00:00.000Z', overdue: false, lastReviewedAt: null, reviews: [] });
  });

  it('lists overdue reviews, and a review records reviewer, date and corrections and sets the next one two years on', async () => {
    const id = await w.customer({ name: 'Overdue Review Co', region: 'Reviewed', address: 'Old address' });
    w.clock.set('2027-03-04T01:00:00.000Z');
    const overdue = await w.ok(DUE, { f: { region: 'Reviewed', reviewOverdue: true } }, w.tokens.gm);
    expect(overdue.customers.edges.map((e: any) => e.node.id)).toEqual([id]);

    const reviewCustomer = (await w.ok(REVIEW, { i: { id, note: 'Moved premises', corrections: { address: 'New address' } } }, w.tokens.marketing)).reviewCustomer.customer;
    expect(reviewCustomer).toMatchObject({
      address: 'New address',
      lastVerifiedAt: '2027-03-04T01:00:00.000Z',
      lastVerifiedBy: { id: 'mkt-1' },
      listReview: {
        id: `${id}:list-review`,
        dueAt: '2029-03-04T01:00:00.000Z',
        overdue: false,
        lastReviewedAt: '2027-03-04T01:00:00.000Z',
        lastReviewedBy: { id: 'mkt-1', kind: 'STAFF_MEMBER' },
        reviews: [{ at: '2027-03-04T01:00:00.000Z', reviewedBy: { id: 'mkt-1', kind: 'STAFF_MEMBER', staffMember: null }, note: 'Moved premises', correctedFields: ['address'] }],
      },
    });
    expect((await w.ok(DUE, { f: { region: 'Reviewed', reviewOverdue: true } }, w.tokens.gm)).customers.edges).toEqual([]);
    expect((await w.ok(DUE, { f: { region: 'Reviewed', reviewOverdue: false } }, w.tokens.gm)).customers.edges.map((e: any) => e.node.id)).toEqual([id]);
    const history = await w.ok('query($id: ID!) { customer(id: $id) { changes(first: 2) { edges { node { field actor { id } before after } } } } }', { id }, w.tokens.gm);
    expect(history.customer.changes.edges.map((e: any) => [e.node.field, e.node.actor.id])).toEqual([
      ['listReview', 'mkt-1'],
      ['address', 'mkt-1'],
    ]);

    w.clock.advance(30 * DAY);
    const again = (await w.ok(REVIEW, { i: { id, note: 'All correct' } }, w.tokens.alice)).reviewCustomer.customer;
    // The reviewer as an actor: marketing is staff the directory does not list; a consultant is their own record.
    expect(again.listReview.reviews.map((r: any) => [r.reviewedBy.id, r.reviewedBy.staffMember?.name ?? null, r.correctedFields])).toEqual([
      ['mkt-1', null, ['address']],
      ['alice', 'Alice Wang', []],
    ]);
  });

  it('plans coming reviews by due date', async () => {
    const soon = await w.customer({ name: 'Review Soon', region: 'Planned' });
    w.clock.advance(100 * DAY);
    const later = await w.customer({ name: 'Review Later', region: 'Planned' });
    const planned = await w.ok(DUE, { f: { region: 'Planned', reviewDueBefore: '2027-05-01T00:00:00Z' }, s: { field: 'REVIEW_DUE_AT' } }, w.tokens.gm);
    expect(planned.customers.edges.map((e: any) => e.node.id)).toEqual([soon]);
    const all = await w.ok(DUE, { f: { region: 'Planned' }, s: { field: 'REVIEW_DUE_AT', direction: 'DESC' } }, w.tokens.gm);
    expect(all.customers.edges.map((e: any) => e.node.id)).toEqual([later, soon]);
  });

  it('refuses invalid corrections field by field and lets only editors review', async () => {
    const id = await w.customer({ name: 'Bad Correction Co' });
    const invalid = await w.refused(REVIEW, { i: { id, corrections: { lifecycle: 'BAD' } } }, w.tokens.gm);
    expect(invalid).toEqual([{ code: 'BAD_USER_INPUT', field: ['input', 'corrections', 'lifecycle'], message: 'cannot move from PROSPECT to BAD' }]);
    const several = await w.refused(REVIEW, { i: { id, note: 'x'.repeat(2001), corrections: { name: ' ', contacts: [{ name: 'X', phone: 'call me' }] } } }, w.tokens.gm);
    expect(several.map((p) => p.field)).toEqual([
      ['input', 'note'],
      ['input', 'corrections', 'name'],
      ['input', 'corrections', 'contacts', '0', 'phone'],
    ]);
    expect(await w.refused(REVIEW, { i: { id } }, w.tokens.carol)).toEqual([{ code: 'NOT_FOUND', field: null, message: `Customer ${id} not found` }]);
    expect((await w.fails(REVIEW, { i: { id } }, w.tokens.agent)).extensions?.code).toBe('FORBIDDEN');
    expect((await w.ok(READ, { id }, w.tokens.gm)).customer.listReview.reviews).toEqual([]);
  });
});
