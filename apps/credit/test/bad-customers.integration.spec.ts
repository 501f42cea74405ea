import { badCustomerCaseClosedV1, badCustomerCaseOpenedV1, streamFor } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { eventually, eventsOnStream, graphql, newCustomerId, tokenFor } from '@crm/testing';
import { creditTokens, DELIVER, invoiced, knownCustomer, ok, oneLine, payload, PLACE, setProfile, startCredit, user } from './credit-fixture';

jest.setTimeout(180_000);

const stream = streamFor('credit').name;
const CASE_FIELDS = `id customerId status revision proposedBy { id kind } openedBy { id } openNote cancelledOrderIds causeAnalysis preventiveMeasures archivedAt closedBy { id } dismissReason
  findings { rule description reason facts { id kind evidence occurredOn } }
  measures { id measure kind department status doneBy { id kind } note }`;
const RECORD_FACT = `mutation($i: RecordBadCustomerFactInput!) { recordBadCustomerFact(input: $i) { fact { id customerId kind evidence occurredOn promisedOn recordedBy { id } } userErrors { field code message } } }`;
const DRY_RUN = `{ badCustomerDryRun { id asOf evaluatedCustomers rules { code description } candidates { id customerId findings { rule reason facts { kind evidence } } activeCase { id status } } } }`;
const PROPOSE = `mutation { proposeBadCustomerCases { cases { ${CASE_FIELDS} } userErrors { field code message } } }`;
const caseMutation = (name: string, input: string) => `mutation($i: ${input}!) { ${name}(input: $i) { badCustomerCase { ${CASE_FIELDS} } userErrors { field code message } } }`;
const OPEN = caseMutation('openBadCustomerCase', 'OpenBadCustomerCaseInput');
const DISMISS = caseMutation('dismissBadCustomerCase', 'DismissBadCustomerCaseInput');
const COMPLETE = caseMutation('completeBadCustomerMeasure', 'CompleteBadCustomerMeasureInput');
const CLOSE = caseMutation('closeBadCustomerCase', 'CloseBadCustomerCaseInput');
const CASE = `query($id: ID!) { badCustomerCase(id: $id) { ${CASE_FIELDS} } }`;
const CASES = `query($f: BadCustomerCasesFilter) { badCustomerCases(filter: $f) { totalCount edges { node { id customerId status } } } }`;
const STANDING = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { creditStanding { status reasons { code } } } } }`;

describe('credit: bad customers (declarative criteria, dry run, cases with department tasks)', () => {
  let service: RunningService;
  let clock: Awaited<ReturnType<typeof startCredit>>['clock'];
  let t: Awaited<ReturnType<typeof creditTokens>>;
  let admin: string;
  let fraud: string;
  let overdue: string;
  let fine: string;
  const openOrderIds: string[] = [];
  const cases = () => service.connection.collection('credit_bad_customer_cases');
  const factCount = () => service.connection.collection('credit_bad_customer_facts').countDocuments();
  const events = async (type: string, customerId: string) => {
    await service.flushOutbox();
    return eventsOnStream(service.bus.jsm, stream, type, customerId);
  };
  const caseOf = async (customerId: string) => (await cases().findOne({ customerId, status: { $in: ['PROPOSED', 'OPEN'] } }))!;

  beforeAll(async () => {
    ({ service, clock } = await startCredit('2024-05-01T02:00:00Z'));
    t = await creditTokens();
    admin = await tokenFor({ sub: user('legal'), roles: ['coordinator'], department_id: 'D-ADMIN' });
    // overdue: one invoice issued and due 2024-05-01 (payment term 0), never paid, no business since.
    overdue = await knownCustomer(service);
    await setProfile(service, t.finance, overdue, { creditLimit: 100_000, paymentTermDays: 0 });
    const old = await ok(service, PLACE, { i: { customerId: overdue, lines: oneLine(250_000) } }, t.alice, 'order');
    await ok(service, DELIVER, { i: { id: old.id } }, t.alice, 'order');
    await invoiced(service, old.id);
    clock.set('2025-06-02T02:00:00Z');
    // fraud: recent business, an open and a held order; fine: recent business only.
    fraud = await knownCustomer(service);
    fine = await knownCustomer(service);
    await setProfile(service, t.finance, fraud, { creditLimit: 10_000 });
    await setProfile(service, t.finance, fine, { creditLimit: 10_000 });
    for (const amountMinor of [600_000, 500_000]) openOrderIds.push((await ok(service, PLACE, { i: { customerId: fraud, lines: oneLine(amountMinor) } }, t.alice, 'order')).id);
    await ok(service, PLACE, { i: { customerId: fine, lines: oneLine(1_000) } }, t.alice, 'order');
  });
  afterAll(() => service.stop());

  it('records a fact with its evidence, and refuses bad input with one user error per problem, writing nothing', async () => {
    const several = await payload(service, RECORD_FACT, { i: { customerId: fraud, kind: 'FRAUD', evidence: ' ', occurredOn: '2025-06-03', promisedOn: '2025-06-04' } }, t.finance);
    expect(several.fact).toBeNull();
    expect(several.userErrors).toEqual([expect.objectContaining({ field: ['input', 'evidence'], code: 'BAD_USER_INPUT' })]);
    const rules = await payload(service, RECORD_FACT, { i: { customerId: fraud, kind: 'FRAUD', evidence: 'police report 77/2025', occurredOn: '2025-06-03', promisedOn: '2025-06-04' } }, t.finance);
    expect(rules.userErrors).toEqual([
      { field: ['input', 'occurredOn'], code: 'BAD_USER_INPUT', message: 'cannot be in the future' },
      { field: ['input', 'promisedOn'], code: 'BAD_USER_INPUT', message: 'only a payment promise has a day promised' },
    ]);
    const promise = await payload(service, RECORD_FACT, { i: { customerId: overdue, kind: 'PAYMENT_PROMISE', evidence: 'call with the buyer', occurredOn: '2025-06-01' } }, t.finance);
    expect(promise.userErrors).toEqual([{ field: ['input', 'promisedOn'], code: 'BAD_USER_INPUT', message: 'a payment promise needs the day the customer promised to pay by' }]);
    expect((await payload(service, RECORD_FACT, { i: { customerId: newCustomerId(), kind: 'FRAUD', evidence: 'x', occurredOn: '2025-06-01' } }, t.finance)).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    expect((await graphql(service.url, RECORD_FACT, { i: { customerId: fraud, kind: 'FRAUD', evidence: 'x', occurredOn: '2025-06-01' } }, t.alice)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await factCount()).toBe(0);

    const fact = await ok(service, RECORD_FACT, { i: { customerId: fraud, kind: 'FRAUD', evidence: 'police report 77/2025', occurredOn: '2025-05-20' } }, t.east, 'fact');
    expect(fact).toMatchObject({ customerId: fraud, kind: 'FRAUD', evidence: 'police report 77/2025', occurredOn: '2025-05-20', promisedOn: null, recordedBy: { id: user('mgr-east') } });
  });

  it('shows in a dry run who would be flagged and why, writing nothing', async () => {
    const res = await graphql(service.url, DRY_RUN, {}, t.finance);
    expect(res.errors).toBeUndefined();
    const run = res.data!.badCustomerDryRun;
    expect(run).toMatchObject({ id: 'bad-customer-dry-run:2025-06-02', asOf: '2025-06-02', evaluatedCustomers: 3 });
    expect(run.rules).toHaveLength(5);
    const byCustomer = Object.fromEntries(run.candidates.map((c: { customerId: string }) => [c.customerId, c]));
    expect(Object.keys(byCustomer).sort()).toEqual([fraud, overdue].sort());
    expect(byCustomer[fraud]).toEqual({
      id: `${fraud}:bad-customer-candidate:2025-06-02`,
      customerId: fraud,
      findings: [{ rule: 'FRAUD_OR_SERIOUS_BREACH_OF_LAW', reason: 'fraud recorded on 2025-05-20: police report 77/2025', facts: [{ kind: 'FRAUD', evidence: 'police report 77/2025' }] }],
      activeCase: null,
    });
    expect(byCustomer[overdue].findings).toEqual([
      { rule: 'OVERDUE_OVER_ONE_YEAR_NO_PAYMENT_PROMISE', reason: 'an invoice due 2024-05-01 is 397 days overdue (more than a year) with no payment promise', facts: [] },
      { rule: 'NO_BUSINESS_OVER_ONE_YEAR', reason: 'no business since 2024-05-01 (397 days, more than a year)', facts: [] },
    ]);
    expect(await cases().countDocuments()).toBe(0);
    expect((await graphql(service.url, DRY_RUN, {}, t.alice)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('spares an overdue customer while its payment promise stands', async () => {
    await ok(service, RECORD_FACT, { i: { customerId: overdue, kind: 'PAYMENT_PROMISE', evidence: 'letter of 2025-06-01', occurredOn: '2025-06-01', promisedOn: '2025-06-02' } }, t.finance, 'fact');
    const rulesFor = async () => (await graphql(service.url, DRY_RUN, {}, t.finance)).data!.badCustomerDryRun.candidates.find((c: { customerId: string }) => c.customerId === overdue).findings.map((f: { rule: string }) => f.rule);
    expect(await rulesFor()).toEqual(['NO_BUSINESS_OVER_ONE_YEAR']);
    // The promised day passed: the promise is broken and no longer counts.
    clock.set('2025-06-03T02:00:00Z');
    expect(await rulesFor()).toEqual(['OVERDUE_OVER_ONE_YEAR_NO_PAYMENT_PROMISE', 'NO_BUSINESS_OVER_ONE_YEAR']);
    clock.set('2025-06-02T02:00:00Z');
  });

  it('proposes one case per flagged customer, and none again while it is active', async () => {
    const proposed = await ok<{ customerId: string; status: string; proposedBy: { id: string }; measures: unknown[] }[]>(service, PROPOSE, {}, t.gm, 'cases');
    expect(proposed.map((c) => c.customerId).sort()).toEqual([fraud, overdue].sort());
    expect(proposed.every((c) => c.status === 'PROPOSED' && c.proposedBy.id === 'gm-1' && c.measures.length === 0)).toBe(true);
    expect(await ok(service, PROPOSE, {}, t.finance, 'cases')).toEqual([]);
    expect(await cases().countDocuments()).toBe(2);
    const dry = (await graphql(service.url, DRY_RUN, {}, t.finance)).data!.badCustomerDryRun;
    expect(dry.candidates.find((c: { customerId: string }) => c.customerId === fraud).activeCase).toMatchObject({ status: 'PROPOSED' });
    expect(await events(badCustomerCaseOpenedV1.type, fraud)).toEqual([]);
    expect((await graphql(service.url, PROPOSE, {}, t.east)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('opens a case: department tasks, the open orders cancelled, new orders refused, the standing BAD_CASE_OPEN, one event', async () => {
    const id = String((await caseOf(fraud))._id);
    expect((await payload(service, OPEN, { i: { id: 'nope' } }, t.finance)).userErrors).toEqual([{ field: ['input', 'id'], code: 'BAD_USER_INPUT', message: 'is not a valid id' }]);
    expect((await payload(service, OPEN, { i: { id: '0123456789abcdef01234567' } }, t.finance)).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    expect((await graphql(service.url, OPEN, { i: { id } }, t.east)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await cases().findOne({ customerId: fraud }))!.status).toBe('PROPOSED');

    const opened = await ok(service, OPEN, { i: { id, specialMeasures: ['FREEZE_ACCOUNT', 'LEGAL_ACTION'], note: 'police involved' } }, t.finance, 'badCustomerCase');
    expect(opened).toMatchObject({ status: 'OPEN', openedBy: { id: 'fin-1' }, openNote: 'police involved' });
    expect(opened.measures.map((m: { measure: string; kind: string; department: string; status: string }) => `${m.measure}/${m.kind}/${m.department}/${m.status}`)).toEqual([
      'COLLECT_RECEIVABLES/GENERAL/BUSINESS_DEPARTMENT/OPEN',
      'CANCEL_OPEN_ORDERS/GENERAL/BUSINESS_DEPARTMENT/DONE',
      'STOP_SHIPMENTS/GENERAL/BUSINESS_DEPARTMENT/OPEN',
      'REMOVE_FROM_ARCHIVE/GENERAL/BUSINESS_DEPARTMENT/OPEN',
      'LEGAL_ACTION/SPECIAL/ADMINISTRATION/OPEN',
      'FREEZE_ACCOUNT/SPECIAL/FINANCE/OPEN',
    ]);
    expect(opened.measures[1]).toMatchObject({ id: `${id}:CANCEL_OPEN_ORDERS`, doneBy: { id: 'system:bad-customers', kind: 'SYSTEM' }, note: '2 open orders cancelled' });
    expect([...opened.cancelledOrderIds].sort()).toEqual([...openOrderIds].sort());
    const orders = await service.connection.collection('credit_orders').find({ customerId: fraud }).toArray();
    expect(orders.map((o) => [o.status, o.cancelledBy, o.cancelReason])).toEqual(orders.map(() => ['CANCELLED', 'system:bad-customers', `bad-customer case ${id}`]));

    const refused = await graphql(service.url, PLACE, { i: { customerId: fraud, lines: oneLine(100) } }, t.alice);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'BAD_CUSTOMER_CASE_OPEN' });
    const standing = await graphql(service.url, STANDING, { r: [{ __typename: 'Customer', id: fraud }] }, t.finance);
    expect(standing.data!._entities[0].creditStanding).toEqual({ status: 'BAD_CASE_OPEN', reasons: [{ code: 'BAD_CUSTOMER_CASE_OPEN' }] });

    const published = await events(badCustomerCaseOpenedV1.type, fraud);
    expect(published).toHaveLength(1);
    expect(published[0].data).toMatchObject({ caseId: id, customerId: fraud, criteria: [{ rule: 'FRAUD_OR_SERIOUS_BREACH_OF_LAW' }], measures: expect.arrayContaining([{ measure: 'LEGAL_ACTION', department: 'ADMINISTRATION' }]) });
    expect((await payload(service, OPEN, { i: { id } }, t.finance)).userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
  });

  it('tracks each measure to done by its department', async () => {
    const id = String((await caseOf(fraud))._id);
    const complete = (measure: string, token: string, note = 'done') => payload(service, COMPLETE, { i: { caseId: id, measure, note } }, token);
    expect((await graphql(service.url, COMPLETE, { i: { caseId: id, measure: 'COLLECT_RECEIVABLES', note: 'x' } }, t.west)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(service.url, COMPLETE, { i: { caseId: id, measure: 'LEGAL_ACTION', note: 'x' } }, t.finance)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await complete('DECLARE_RELATIONSHIP_ENDED', t.gm)).userErrors).toEqual([{ field: ['input', 'measure'], code: 'BAD_USER_INPUT', message: 'this case applies no DECLARE_RELATIONSHIP_ENDED measure' }]);
    expect((await complete('FREEZE_ACCOUNT', t.finance)).userErrors).toEqual([{ field: null, code: 'CONFLICT', message: 'The credit profile is not frozen: freeze it with setCreditProfile first' }]);
    expect((await complete('CANCEL_OPEN_ORDERS', t.alice)).userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);

    expect((await complete('COLLECT_RECEIVABLES', t.alice, 'nothing owed')).userErrors).toEqual([]);
    expect((await complete('LEGAL_ACTION', admin, 'claim filed with the Pudong court')).userErrors).toEqual([]);
    await setProfile(service, t.finance, fraud, { creditLimit: 10_000, frozen: true, expectedRevision: 1 });
    const frozen = await complete('FREEZE_ACCOUNT', t.finance, 'account frozen');
    expect(frozen.badCustomerCase.measures.find((m: { measure: string }) => m.measure === 'FREEZE_ACCOUNT')).toMatchObject({ status: 'DONE', doneBy: { id: 'fin-1', kind: 'STAFF_MEMBER' }, note: 'account frozen' });
  });

  it('closes only with every measure done and the cause analysis and preventive measures; then archives it and publishes once', async () => {
    const id = String((await caseOf(fraud))._id);
    const close = (i: Record<string, unknown>) => payload(service, CLOSE, { i: { id, ...i } }, t.finance);
    expect((await close({ causeAnalysis: 'no check of the buyer', preventiveMeasures: 'verify buyers' })).userErrors).toEqual([{ field: null, code: 'CONFLICT', message: 'Measures not done yet: STOP_SHIPMENTS, REMOVE_FROM_ARCHIVE' }]);
    for (const measure of ['STOP_SHIPMENTS', 'REMOVE_FROM_ARCHIVE']) await ok(service, COMPLETE, { i: { caseId: id, measure, note: 'done' } }, t.east, 'badCustomerCase');
    const before = (await cases().findOne({ customerId: fraud, status: 'OPEN' }))!.revision;
    const both = await close({ causeAnalysis: ' ', preventiveMeasures: '' });
    expect(both.badCustomerCase).toBeNull();
    expect(both.userErrors).toEqual([
      { field: ['input', 'causeAnalysis'], code: 'BAD_USER_INPUT', message: 'a case closes only with its cause analysis' },
      { field: ['input', 'preventiveMeasures'], code: 'BAD_USER_INPUT', message: 'a case closes only with its preventive measures' },
    ]);
    expect((await cases().findOne({ customerId: fraud, status: 'OPEN' }))!.revision).toBe(before);
    expect(await events(badCustomerCaseClosedV1.type, fraud)).toEqual([]);

    const closed = (await close({ causeAnalysis: 'The buyer forged a bank guarantee; no check of guarantees above 100 000 CNY.', preventiveMeasures: 'Verify every bank guarantee with the issuing bank.' })).badCustomerCase;
    expect(closed).toMatchObject({ status: 'CLOSED', closedBy: { id: 'fin-1' }, causeAnalysis: expect.stringContaining('forged'), preventiveMeasures: expect.stringContaining('Verify') });
    expect(closed.archivedAt).toBe('2025-06-02T02:00:00.000Z');
    const published = await events(badCustomerCaseClosedV1.type, fraud);
    expect(published.map((e) => e.data)).toEqual([{ caseId: id, customerId: fraud, causeAnalysis: closed.causeAnalysis, preventiveMeasures: closed.preventiveMeasures, removeFromArchive: true, appliedMeasures: ['COLLECT_RECEIVABLES', 'CANCEL_OPEN_ORDERS', 'STOP_SHIPMENTS', 'REMOVE_FROM_ARCHIVE', 'LEGAL_ACTION', 'FREEZE_ACCOUNT'], closedAt: '2025-06-02T02:00:00.000Z' }]);
    expect((await close({ causeAnalysis: 'again', preventiveMeasures: 'again' })).userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
  });

  it('dismisses a proposal with a reason, and reads cases by the customer read rule', async () => {
    const id = String((await caseOf(overdue))._id);
    expect((await payload(service, DISMISS, { i: { id, note: '' } }, t.finance)).userErrors).toEqual([{ field: ['input', 'note'], code: 'BAD_USER_INPUT', message: 'must say why' }]);
    const dismissed = await ok(service, DISMISS, { i: { id, note: 'the buyer is negotiating a settlement' } }, t.gm, 'badCustomerCase');
    expect(dismissed).toMatchObject({ status: 'DISMISSED', dismissReason: 'the buyer is negotiating a settlement' });

    const all = (await graphql(service.url, CASES, {}, t.finance)).data!.badCustomerCases;
    expect(all.totalCount).toBe(2);
    expect((await graphql(service.url, CASES, { f: { status: 'CLOSED' } }, t.alice)).data!.badCustomerCases.edges.map((e: { node: { customerId: string } }) => e.node.customerId)).toEqual([fraud]);
    expect((await graphql(service.url, CASES, {}, t.west)).data!.badCustomerCases.totalCount).toBe(0);
    expect((await graphql(service.url, CASE, { id }, t.alice)).data!.badCustomerCase).toMatchObject({ id, status: 'DISMISSED' });
    expect((await graphql(service.url, CASE, { id }, t.partner)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('credit: the bad-customer evaluation job', () => {
  let service: RunningService;
  afterAll(() => service?.stop());

  it('proposes a case for a customer flagged by a recorded fact, as the platform', async () => {
    ({ service } = await startCredit('2025-06-02T02:00:00Z', { BAD_CUSTOMER_EVALUATION_INTERVAL_MS: '300' }));
    const t = await creditTokens();
    const customerId = await knownCustomer(service);
    await ok(service, RECORD_FACT, { i: { customerId, kind: 'BANKRUPTCY', evidence: 'bankruptcy ruling 12/2025', occurredOn: '2025-05-30' } }, t.finance, 'fact');
    const proposed = await eventually(async () => {
      const found = await service.connection.collection('credit_bad_customer_cases').findOne({ customerId });
      if (!found) throw new Error('not proposed yet');
      return found;
    }, 20_000);
    expect(proposed).toMatchObject({ status: 'PROPOSED', proposedBy: 'system:bad-customers', findings: [expect.objectContaining({ rule: 'BANKRUPT_INSOLVENT_OR_HEAVY_LOSSES' })] });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await service.connection.collection('credit_bad_customer_cases').countDocuments({ customerId })).toBe(1);
  });
});
