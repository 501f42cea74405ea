import { ageingBucketExpression, ageingBucketOf, allocateOldestFirst, applyPayment, daysPastDue, issueInvoice, ledgerSummary, newlySettled, openInvoicesOldestFirst, type InvoiceRecord, type LedgerState } from './ledger-rules';

const at = (iso: string) => new Date(iso);
const invoice = (id: string, amountMinor: number, dueDayNumber: number, overrides: Partial<InvoiceRecord> = {}): InvoiceRecord => ({
  id,
  orderId: `o-${id}`,
  consultantId: 'alice',
  departmentId: 'D-EAST',
  region: null,
  amountMinor,
  paidMinor: 0,
  issuedAt: at('2025-01-01T00:00:00Z'),
  issuedOn: '2025-01-01',
  dueOn: '2025-01-31',
  dueDayNumber,
  paymentTermDays: 30,
  settledAt: null,
  allocations: [],
  dunningLevel: 0,
  lastReminderAt: null,
  ...overrides,
});
const ledger = (invoices: InvoiceRecord[], creditMinor = 0): LedgerState => ({ currency: 'CNY', invoices, payments: [], creditMinor });
const payment = (id: string, amountMinor: number) => ({ id, amountMinor, receivedAt: at('2025-03-01T00:00:00Z'), reference: null, recordedBy: 'fin-1', recordedAt: at('2025-03-01T00:00:00Z'), idempotencyKey: null });

describe('allocation of payments, oldest first', () => {
  it('pays the invoice due first before a later one, whatever their order in the ledger', () => {
    const { allocations, remainderMinor } = allocateOldestFirst([invoice('b', 500, 20), invoice('a', 300, 10)], 400, { paymentId: 'p', at: at('2025-03-01T00:00:00Z') });
    expect(allocations).toEqual([
      { invoiceId: 'a', amountMinor: 300 },
      { invoiceId: 'b', amountMinor: 100 },
    ]);
    expect(remainderMinor).toBe(0);
  });

  it('breaks a tie on the due day by issue time, then by id', () => {
    const early = invoice('z', 100, 10, { issuedAt: at('2025-01-01T00:00:00Z') });
    const late = invoice('a', 100, 10, { issuedAt: at('2025-01-02T00:00:00Z') });
    expect(openInvoicesOldestFirst([late, early]).map((i) => i.id)).toEqual(['z', 'a']);
    expect(openInvoicesOldestFirst([invoice('y', 1, 10), invoice('x', 1, 10)]).map((i) => i.id)).toEqual(['x', 'y']);
  });

  it('leaves a partial payment on the oldest invoice, open with what it still owes', () => {
    const { invoices } = allocateOldestFirst([invoice('a', 300, 10)], 120, { paymentId: 'p', at: at('2025-03-01T00:00:00Z') });
    expect(invoices[0]).toMatchObject({ paidMinor: 120, settledAt: null, allocations: [{ paymentId: 'p', amountMinor: 120 }] });
  });

  it('settles an invoice paid to the fen, with the time the money met it', () => {
    const { invoices } = allocateOldestFirst([invoice('a', 300, 10, { paidMinor: 100 })], 200, { paymentId: 'p', at: at('2025-03-01T00:00:00Z') });
    expect(invoices[0]).toMatchObject({ paidMinor: 300, settledAt: at('2025-03-01T00:00:00Z') });
  });

  it('skips paid invoices and holds an overpayment as credit', () => {
    const state = ledger([invoice('paid', 100, 1, { paidMinor: 100 }), invoice('a', 300, 10)]);
    const { state: after, payment: recorded } = applyPayment(state, payment('p', 500));
    expect(recorded).toMatchObject({ allocations: [{ invoiceId: 'a', amountMinor: 300 }], heldAsCreditMinor: 200 });
    expect(after.creditMinor).toBe(200);
    expect(ledgerSummary(after)).toEqual({ outstandingMinor: 0, oldestOpenDueDayNumber: null });
  });

  it('holds the whole payment as credit when nothing is open', () => {
    const { state, payment: recorded } = applyPayment(ledger([]), payment('p', 250));
    expect(recorded.allocations).toEqual([]);
    expect(state.creditMinor).toBe(250);
  });

  it('applies credit held to a new invoice, as far as it goes', () => {
    const partly = issueInvoice(ledger([], 250), invoice('n', 400, 40, { issuedAt: at('2025-04-01T00:00:00Z') }));
    expect(partly.creditMinor).toBe(0);
    expect(partly.invoices[0]).toMatchObject({ paidMinor: 250, allocations: [{ paymentId: null, amountMinor: 250, at: at('2025-04-01T00:00:00Z') }] });
    const fully = issueInvoice(ledger([], 500), invoice('n', 400, 40));
    expect(fully.creditMinor).toBe(100);
    expect(fully.invoices[0].paidMinor).toBe(400);
    expect(issueInvoice(ledger([]), invoice('n', 400, 40)).invoices[0].paidMinor).toBe(0);
  });

  it('keeps the ledger balanced: invoiced = paid + outstanding, received = allocated + credit', () => {
    let state = ledger([invoice('a', 1000, 5), invoice('b', 2000, 6), invoice('c', 3000, 7)]);
    for (const [id, amount] of [['p1', 700], ['p2', 2500], ['p3', 4000]] as const) state = applyPayment(state, payment(id, amount)).state;
    const paid = state.invoices.reduce((sum, i) => sum + i.paidMinor, 0);
    expect(paid + ledgerSummary(state).outstandingMinor).toBe(6000);
    expect(paid + state.creditMinor).toBe(7200);
    expect(state.creditMinor).toBe(1200);
  });

  it('summarises the outstanding total and the oldest open due day', () => {
    expect(ledgerSummary(ledger([invoice('a', 100, 30, { paidMinor: 40 }), invoice('b', 50, 20), invoice('c', 10, 5, { paidMinor: 10 })]))).toEqual({ outstandingMinor: 110, oldestOpenDueDayNumber: 20 });
  });
});

describe('ageing buckets at their edges', () => {
  it.each([
    [-5, 'CURRENT'],
    [0, 'CURRENT'],
    [1, 'DAYS_1_30'],
    [30, 'DAYS_1_30'],
    [31, 'DAYS_31_60'],
    [60, 'DAYS_31_60'],
    [61, 'DAYS_61_90'],
    [90, 'DAYS_61_90'],
    [91, 'DAYS_91_180'],
    [180, 'DAYS_91_180'],
    [181, 'DAYS_181_365'],
    [365, 'DAYS_181_365'],
    [366, 'OVER_365'],
    [2000, 'OVER_365'],
  ] as const)('puts %d days past due in %s', (days, bucket) => {
    expect(ageingBucketOf(days)).toBe(bucket);
  });

  it('counts days past due from the due day', () => {
    expect(daysPastDue(100, 100)).toBe(0);
    expect(daysPastDue(100, 131)).toBe(31);
  });

  it('builds the Mongo expression from the same table (evaluated here as the server would)', () => {
    const evaluate = (expr: unknown, days: number): unknown => {
      if (typeof expr === 'string') return expr;
      const [condition, then, otherwise] = (expr as { $cond: [{ $lte: [unknown, number] }, unknown, unknown] }).$cond;
      return days <= condition.$lte[1] ? evaluate(then, days) : evaluate(otherwise, days);
    };
    const expression = ageingBucketExpression('$days');
    for (const days of [-1, 0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366]) expect(evaluate(expression, days)).toBe(ageingBucketOf(days));
  });
});

describe('invoices settled by a change (crm.credit.invoice.settled, once per invoice)', () => {
  const received = at('2025-03-01T00:00:00Z');
  it('names the invoices a payment pays in full, not the one it pays in part', () => {
    const before = ledger([invoice('a', 300, 10), invoice('b', 500, 20), invoice('c', 700, 30)]);
    const { state } = applyPayment(before, { ...payment('p', 1_000), receivedAt: received });
    expect(newlySettled(before.invoices, state.invoices).map((i) => [i.id, i.settledAt])).toEqual([
      ['a', received],
      ['b', received],
    ]);
  });

  it('names an invoice the last part pays, once: a later change that leaves it settled names it no more', () => {
    const before = ledger([invoice('a', 300, 10, { paidMinor: 100, allocations: [{ paymentId: 'p0', amountMinor: 100, at: received }] })]);
    const first = applyPayment(before, { ...payment('p1', 200), receivedAt: received }).state;
    expect(newlySettled(before.invoices, first.invoices).map((i) => i.id)).toEqual(['a']);
    const second = applyPayment(first, { ...payment('p2', 50), receivedAt: received }).state;
    expect(newlySettled(first.invoices, second.invoices)).toEqual([]);
    expect(second.creditMinor).toBe(50);
  });

  it('names a new invoice that credit held pays in full at issue, not one it pays in part', () => {
    const before = ledger([], 1_000);
    const issued = issueInvoice(before, invoice('n', 800, 40, { issuedAt: received }));
    expect(newlySettled(before.invoices, issued.invoices).map((i) => [i.id, i.settledAt])).toEqual([['n', received]]);
    const partly = issueInvoice(issued, invoice('m', 800, 41));
    expect(newlySettled(issued.invoices, partly.invoices)).toEqual([]);
  });

  it('names nothing when no invoice changes (a reminder, an idempotent retry)', () => {
    const settled = invoice('a', 300, 10, { paidMinor: 300, settledAt: received });
    expect(newlySettled([settled], [{ ...settled, dunningLevel: 1 }])).toEqual([]);
  });
});
