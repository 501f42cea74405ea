import { DAY, MONDAY_9AM, startAccountsWorld, type AccountsWorld } from './accounts-fixture';

const REVIEW = `mutation($id: ID!, $i: ReviewCustomerInput!) { reviewCustomer(id: $id, input: $i) { id address lastVerifiedAt listReview { dueAt overdue lastReviewedAt lastReviewedBy reviews { at reviewerId reviewer { name } note correctedFields } } } }`;
const READ = `query($id: ID!) { customer(id: $id) { listReview { dueAt overdue lastReviewedAt reviews { reviewerId } } } }`;
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
    expect(customer.listReview).toEqual({ dueAt: '2027-03-03T01:00:00.000Z', overdue: false, lastReviewedAt: null, reviews: [] });
  });

  it('lists overdue reviews, and a review records reviewer, date and corrections and sets the next one two years on', async () => {
    const id = await w.customer({ name: 'Overdue Review Co', region: 'Reviewed', address: 'Old address' });
    w.clock.set('2027-03-04T01:00:00.000Z');
    const overdue = await w.ok(DUE, { f: { region: 'Reviewed', reviewOverdue: true } }, w.tokens.gm);
    expect(overdue.customers.edges.map((e: any) => e.node.id)).toEqual([id]);

    const { reviewCustomer } = await w.ok(REVIEW, { id, i: { note: 'Moved premises', corrections: { address: 'New address' } } }, w.tokens.marketing);
    expect(reviewCustomer).toMatchObject({
      address: 'New address',
      lastVerifiedAt: '2027-03-04T01:00:00.000Z',
      listReview: {
        dueAt: '2029-03-04T01:00:00.000Z',
        overdue: false,
        lastReviewedAt: '2027-03-04T01:00:00.000Z',
        lastReviewedBy: 'mkt-1',
        reviews: [{ at: '2027-03-04T01:00:00.000Z', reviewerId: 'mkt-1', reviewer: null, note: 'Moved premises', correctedFields: ['address'] }],
      },
    });
    expect((await w.ok(DUE, { f: { region: 'Reviewed', reviewOverdue: true } }, w.tokens.gm)).customers.edges).toEqual([]);
    expect((await w.ok(DUE, { f: { region: 'Reviewed', reviewOverdue: false } }, w.tokens.gm)).customers.edges.map((e: any) => e.node.id)).toEqual([id]);
    const history = await w.ok('query($id: ID!) { customer(id: $id) { changes(first: 2) { edges { node { field by before after } } } } }', { id }, w.tokens.gm);
    expect(history.customer.changes.edges.map((e: any) => [e.node.field, e.node.by])).toEqual([
      ['listReview', 'mkt-1'],
      ['address', 'mkt-1'],
    ]);

    w.clock.advance(30 * DAY);
    const { reviewCustomer: again } = await w.ok(REVIEW, { id, i: { note: 'All correct' } }, w.tokens.alice);
    expect(again.listReview.reviews.map((r: any) => [r.reviewerId, r.reviewer?.name, r.correctedFields])).toEqual([
      ['mkt-1', undefined, ['address']],
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
    const invalid = await w.fails(REVIEW, { id, i: { corrections: { lifecycle: 'BAD' } } }, w.tokens.gm);
    expect(invalid.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.corrections.lifecycle' });
    expect((await w.fails(REVIEW, { id, i: {} }, w.tokens.carol)).extensions?.code).toBe('NOT_FOUND');
  });
});
