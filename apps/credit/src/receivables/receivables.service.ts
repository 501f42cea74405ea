import { hasRole, isPartner, type Caller } from '@crm/auth';
import { customerIdSchema, invoiceSettledV1, type EventData, type orderDeliveredV1 } from '@crm/contracts';
import type { CustomerScopeDirectory } from '@crm/customer-scope';
import { idempotencyKeyOf, isDuplicateKeyError } from '@crm/data';
import { createEvent, StaleRevisionError, updateVersioned, type CloudEvent, type EventActor } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, parseInput, type Clock } from '@crm/kernel';
import type { WorkingCalendarCopy } from '@crm/working-calendar';
import { Types, type Model } from 'mongoose';
import type { Logger } from 'pino';
import type { CreditProfilesService } from '../credit-profiles/credit-profiles.service';
import type { CustomerFacts } from '../customer-facts/customer-facts';
import { addDays, calendarDayOf, dayNumber, startOfDay } from '../money/calendar-day';
import type { ReceivablesExposure } from '../orders/orders.service';
import type { InvoiceView, LedgerRecord, PaymentView } from './ledger.model';
import { ageingBucketExpression, ageingBuckets, applyPayment, issueInvoice, ledgerSummary, MAX_DUNNING_LEVEL, newlySettled, outstandingOf, type AgeingBucket, type InvoiceRecord, type LedgerState } from './ledger-rules';
import { calendarDayInput, recordDunningReminderInput, recordPaymentInput } from './receivables-input';

/** Who records payments and sends reminders: finance and the general manager. */
export function mayWorkReceivables(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'finance', 'general_manager');
}

export interface AgeingReport {
  asOf: string;
  currency: string;
  totalMinor: number;
  buckets: { bucket: AgeingBucket; amountMinor: number; invoiceCount: number }[];
}

export interface OverdueItem {
  invoice: InvoiceView;
  daysOverdue: number;
}

/** Tries of one ledger change before a caller is told the ledger is busy (each retry re-reads and re-decides). */
const MAX_LEDGER_TRIES = 40;

/** Who settles an invoice that credit held from an overpayment pays when it is issued. */
const RECEIVABLES_ACTOR: EventActor = { userId: 'system:receivables', roles: [] };

/** Receivables: invoices from delivered orders, payments allocated oldest first, ageing and collections. */
export class ReceivablesService implements ReceivablesExposure {
  constructor(
    readonly ledgers: Model<LedgerRecord>,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
    private readonly facts: CustomerFacts,
    private readonly profiles: CreditProfilesService,
    private readonly calendar: WorkingCalendarCopy,
    private readonly logger: Logger,
  ) {}

  timeZone(): string {
    return this.calendar.current().timeZone;
  }

  today(): string {
    return calendarDayOf(this.clock.now(), this.timeZone());
  }

  async exposureOf(customerId: string, currency: string, at: Date): Promise<{ openReceivablesMinor: number; oldestOverdueDays: number | null }> {
    const ledger = await this.ledgers.findById(customerId, { currency: 1, outstandingMinor: 1, creditMinor: 1, oldestOpenDueDayNumber: 1 }).lean<LedgerRecord>();
    if (!ledger || ledger.currency !== currency) return { openReceivablesMinor: 0, oldestOverdueDays: null };
    const overdue = ledger.oldestOpenDueDayNumber === null ? null : dayNumber(calendarDayOf(at, this.timeZone())) - ledger.oldestOpenDueDayNumber;
    return { openReceivablesMinor: Math.max(0, ledger.outstandingMinor - ledger.creditMinor), oldestOverdueDays: overdue !== null && overdue > 0 ? overdue : null };
  }

  /** crm.credit.order.delivered: one invoice per order (a redelivery finds it there), due after the customer's payment term. */
  async invoiceDelivered(event: CloudEvent<EventData<typeof orderDeliveredV1>>): Promise<void> {
    const { orderId, customerId, consultantId, departmentId, region, amount, deliveredAt } = event.data;
    const profile = await this.profiles.findByCustomerId(customerId);
    const issuedAt = new Date(deliveredAt);
    const issuedOn = calendarDayOf(issuedAt, this.timeZone());
    const paymentTermDays = profile?.paymentTermDays ?? 0;
    const dueOn = addDays(issuedOn, paymentTermDays);
    await this.modify(customerId, amount.currency, RECEIVABLES_ACTOR, (state) => {
      if (state.invoices.some((invoice) => invoice.orderId === orderId)) return { result: undefined };
      if (state.currency !== amount.currency) {
        this.logger.error({ customerId, orderId, ledgerCurrency: state.currency, orderCurrency: amount.currency }, 'order in another currency than the customer ledger; not invoiced');
        throw new Error(`customer ${customerId}'s ledger is in ${state.currency}, order ${orderId} in ${amount.currency}`);
      }
      const invoice: InvoiceRecord = {
        id: new Types.ObjectId().toHexString(),
        orderId,
        consultantId,
        departmentId,
        region,
        amountMinor: amount.amountMinor,
        paidMinor: 0,
        issuedAt,
        issuedOn,
        dueOn,
        dueDayNumber: dayNumber(dueOn),
        paymentTermDays,
        settledAt: null,
        allocations: [],
        dunningLevel: 0,
        lastReminderAt: null,
      };
      return { state: issueInvoice(state, invoice), result: undefined };
    });
  }

  /** A payment received: allocated to the oldest open invoices first, the rest held as credit; once per idempotency key. */
  async recordPayment(caller: Caller, rawInput: unknown): Promise<{ payment: PaymentView; ledger: LedgerRecord }> {
    if (!mayWorkReceivables(caller)) throw new ForbiddenError('Only finance and the general manager record payments');
    const input = parseInput(recordPaymentInput, rawInput);
    const now = this.clock.now();
    if (input.receivedAt.getTime() > now.getTime()) throw new BadUserInputError('input.receivedAt', 'cannot be in the future');
    const customer = await this.facts.find(input.customerId);
    if (!customer) throw new NotFoundError('Customer', input.customerId);
    if (!(await this.scopes.canSee(caller, customer._id, now))) throw new ForbiddenError(`You may not record payments for customer ${input.customerId}`, { customerId: input.customerId });
    const key = idempotencyKeyOf(caller.userId, input.idempotencyKey) ?? null;
    return this.modify(customer._id, input.currency, actorOf(caller), (state, current) => {
      const earlier = key ? state.payments.find((payment) => payment.idempotencyKey === key) : undefined;
      if (earlier) return { result: { payment: { ...earlier, customerId: customer._id, currency: state.currency }, ledger: current! } };
      if (state.currency !== input.currency) throw new BadUserInputError('input.currency', `must be ${state.currency}, the currency of the customer's ledger`);
      const applied = applyPayment(state, {
        id: new Types.ObjectId().toHexString(),
        amountMinor: input.amountMinor,
        receivedAt: input.receivedAt,
        reference: input.reference,
        recordedBy: caller.userId,
        recordedAt: now,
        idempotencyKey: key,
      });
      return { state: applied.state, result: (saved) => ({ payment: { ...applied.payment, customerId: customer._id, currency: state.currency }, ledger: saved }) };
    });
  }

  /** A payment reminder sent for an overdue invoice: the dunning level goes up by one (at most 3). */
  async recordReminder(caller: Caller, rawInput: unknown): Promise<InvoiceView> {
    if (!mayWorkReceivables(caller)) throw new ForbiddenError('Only finance and the general manager send payment reminders');
    const input = parseInput(recordDunningReminderInput, rawInput);
    const now = this.clock.now();
    const owner = await this.ledgers.findOne({ 'invoices.id': input.invoiceId }, { _id: 1 }).lean<Pick<LedgerRecord, '_id'>>();
    if (!owner) throw new NotFoundError('Invoice', input.invoiceId);
    const today = dayNumber(calendarDayOf(now, this.timeZone()));
    return this.modify(owner._id, null, actorOf(caller), (state) => {
      const invoice = state.invoices.find((candidate) => candidate.id === input.invoiceId)!;
      if (outstandingOf(invoice) <= 0) throw new ConflictError(`Invoice ${input.invoiceId} is paid`);
      if (invoice.dueDayNumber >= today) throw new ConflictError(`Invoice ${input.invoiceId} is not overdue (due ${invoice.dueOn})`);
      if (invoice.dunningLevel >= MAX_DUNNING_LEVEL) throw new ConflictError(`Invoice ${input.invoiceId} has had its ${MAX_DUNNING_LEVEL} reminders; the next step is the bad-customer procedure`);
      const reminded = { ...invoice, dunningLevel: invoice.dunningLevel + 1, lastReminderAt: now };
      return { state: { ...state, invoices: state.invoices.map((candidate) => (candidate.id === invoice.id ? reminded : candidate)) }, result: { ...reminded, customerId: owner._id, currency: state.currency } };
    });
  }

  findByCustomerIds(customerIds: readonly string[]): Promise<LedgerRecord[]> {
    const valid = customerIds.filter((id) => customerIdSchema.safeParse(id).success);
    return this.ledgers.find({ _id: { $in: valid } }).lean<LedgerRecord[]>().exec();
  }

  /** Invoices by id, each with its ledger's customer and currency. */
  async findInvoices(ids: readonly string[]): Promise<InvoiceView[]> {
    const ledgers = await this.ledgers.find({ 'invoices.id': { $in: [...ids] } }).lean<LedgerRecord[]>();
    const wanted = new Set(ids);
    return ledgers.flatMap((ledger) => ledger.invoices.filter((invoice) => wanted.has(invoice.id)).map((invoice) => ({ ...invoice, customerId: ledger._id, currency: ledger.currency })));
  }

  /** Outstanding amounts by days past due as of the end of `asOf` (payments received after it not counted). */
  async ageing(caller: Caller, rawAsOf: string, currency: string): Promise<AgeingReport> {
    const asOf = parseInput(calendarDayInput, rawAsOf, 'asOf');
    const scope = await this.readableLedgers(caller);
    const asOfEnd = startOfDay(addDays(asOf, 1), this.timeZone());
    const rows = await this.ledgers.aggregate<{ _id: AgeingBucket; amount: number; count: number }>([
      { $match: { currency, ...scope } },
      // Only what the buckets need before the unwind: it copies the document once per invoice (ADR 0011 benchmark).
      { $project: { invoices: { $map: { input: '$invoices', as: 'i', in: { issuedAt: '$$i.issuedAt', dueDayNumber: '$$i.dueDayNumber', amountMinor: '$$i.amountMinor', allocations: '$$i.allocations' } } } } },
      { $unwind: '$invoices' },
      { $match: { 'invoices.issuedAt': { $lt: asOfEnd } } },
      {
        $project: {
          due: '$invoices.dueDayNumber',
          outstanding: {
            $subtract: [
              '$invoices.amountMinor',
              { $reduce: { input: { $filter: { input: '$invoices.allocations', as: 'a', cond: { $lt: ['$$a.at', asOfEnd] } } }, initialValue: 0, in: { $add: ['$$value', '$$this.amountMinor'] } } },
            ],
          },
        },
      },
      { $match: { outstanding: { $gt: 0 } } },
      { $group: { _id: ageingBucketExpression({ $subtract: [dayNumber(asOf), '$due'] }), amount: { $sum: '$outstanding' }, count: { $sum: 1 } } },
    ]);
    const byBucket = new Map(rows.map((row) => [row._id, row]));
    const buckets = ageingBuckets.map((bucket) => ({ bucket, amountMinor: byBucket.get(bucket)?.amount ?? 0, invoiceCount: byBucket.get(bucket)?.count ?? 0 }));
    return { asOf, currency, totalMinor: buckets.reduce((sum, b) => sum + b.amountMinor, 0), buckets };
  }

  /** Open invoices past due on `asOf`, the most overdue first, with their dunning level and last reminder. */
  async overdueCollections(caller: Caller, rawAsOf: string, currency: string, first: number): Promise<OverdueItem[]> {
    const asOf = parseInput(calendarDayInput, rawAsOf, 'asOf');
    if (!Number.isInteger(first) || first < 1 || first > 200) throw new BadUserInputError('first', 'must be between 1 and 200');
    const scope = await this.readableLedgers(caller);
    const asOfDay = dayNumber(asOf);
    const rows = await this.ledgers.aggregate<{ _id: string; currency: string; invoice: InvoiceRecord }>([
      { $match: { currency, oldestOpenDueDayNumber: { $lt: asOfDay }, ...scope } },
      { $unwind: '$invoices' },
      { $match: { 'invoices.dueDayNumber': { $lt: asOfDay }, $expr: { $gt: ['$invoices.amountMinor', '$invoices.paidMinor'] } } },
      { $sort: { 'invoices.dueDayNumber': 1, 'invoices.id': 1 } },
      { $limit: first },
      { $project: { currency: 1, invoice: '$invoices' } },
    ]);
    return rows.map((row) => ({ invoice: { ...row.invoice, customerId: row._id, currency: row.currency }, daysOverdue: asOfDay - row.invoice.dueDayNumber }));
  }

  /** The ledgers a report may read: every one for the all-seeing roles, the caller's customers' otherwise; none for partners. */
  private async readableLedgers(caller: Caller): Promise<Record<string, unknown>> {
    if (isPartner(caller)) throw new ForbiddenError('Partners see nothing in credit');
    const visible = await this.scopes.filterFor(caller, this.clock.now());
    return visible.unrestricted ? {} : { _id: { $in: visible.customerIds } };
  }

  /**
   * One change of a customer's ledger: read, decide, write at the revision read; a concurrent writer makes it
   * re-read and decide again, so concurrent payments for one customer apply one after the other. `decide` answers
   * the new state (or none: nothing to write) and the result, which may depend on the saved ledger. Every invoice the
   * change pays in full publishes crm.credit.invoice.settled in the same write; a writer that lost the race finds it
   * settled on its re-read, so each invoice is announced once.
   */
  private async modify<R>(
    customerId: string,
    currency: string | null,
    actor: EventActor,
    decide: (state: LedgerState, current: LedgerRecord | null) => { state?: LedgerState; result: R | ((saved: LedgerRecord) => R) },
  ): Promise<R> {
    for (let attempt = 0; attempt < MAX_LEDGER_TRIES; attempt += 1) {
      const current = await this.ledgers.findById(customerId).lean<LedgerRecord>();
      const state: LedgerState = current ?? { currency: currency ?? 'CNY', invoices: [], payments: [], creditMinor: 0 };
      const outcome = decide(state, current);
      const resultFor = (saved: LedgerRecord): R => (typeof outcome.result === 'function' ? (outcome.result as (saved: LedgerRecord) => R)(saved) : outcome.result);
      if (!outcome.state) return resultFor(current!);
      const fields = { currency: outcome.state.currency, invoices: outcome.state.invoices, payments: outcome.state.payments, creditMinor: outcome.state.creditMinor, ...ledgerSummary(outcome.state) };
      const events = this.settledEvents(customerId, outcome.state.currency, state.invoices, outcome.state.invoices, actor);
      try {
        if (!current) {
          const created = await this.ledgers.create({ _id: customerId, ...fields, revision: 1, pendingEvents: events });
          return resultFor(created.toObject());
        }
        return resultFor(await updateVersioned(this.ledgers, current, { $set: fields }, events));
      } catch (error) {
        if (!(error instanceof StaleRevisionError) && !isDuplicateKeyError(error)) throw error;
        // Someone else wrote first: back off a little (jittered) and decide again on what they wrote.
        await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 10 * Math.min(attempt + 1, 5)));
      }
    }
    throw new ConflictError(`The receivables of customer ${customerId} are busy; try again`);
  }

  private settledEvents(customerId: string, currency: string, before: InvoiceRecord[], after: InvoiceRecord[], actor: EventActor): CloudEvent[] {
    const now = this.clock.now();
    return newlySettled(before, after).map((invoice) =>
      createEvent(invoiceSettledV1, {
        subject: invoice.id,
        actor,
        time: now,
        data: { invoiceId: invoice.id, orderId: invoice.orderId, customerId, consultantId: invoice.consultantId, amount: { amountMinor: invoice.amountMinor, currency }, settledAt: invoice.settledAt!.toISOString() },
      }),
    );
  }
}
