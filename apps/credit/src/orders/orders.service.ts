import { hasRole, isPartner, type Caller } from '@crm/auth';
import { orderDeliveredV1 } from '@crm/contracts';
import { createOnce, idempotencyKeyOf, paginateById, type Connection, type PageArgs } from '@crm/data';
import { createEvent, StaleRevisionError, updateVersioned } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, parseInput, type Clock } from '@crm/kernel';
import type { CustomerScopeDirectory } from '@crm/customer-scope';
import { Types, type Model, type UpdateQuery } from 'mongoose';
import type { CreditProfilesService } from '../credit-profiles/credit-profiles.service';
import type { CustomerFacts, CustomerFactsRecord } from '../customer-facts/customer-facts';
import { addMinor, toMinor } from '../money/money';
import { refusalMessages, refusalOf, runCreditCheck, type RefusalReason } from './credit-check';
import { cancelOrderInput, decideOrderInput, deliverOrderInput, placeOrderInput, recheckOrderInput } from './order-input';
import type { CreditCheckRecord, CreditDecisionRecord, OrderLineRecord, OrderRecord, OrderStatus } from './order.model';

/** Who enters and delivers orders: sales staff and their managers, finance, the general manager, internal apps; never a partner. */
export function mayPlaceOrders(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'consultant', 'department_manager', 'general_manager', 'finance', 'internal_app');
}

/** Who releases or rejects a held order: the credit controllers, finance and the general manager. */
export function mayDecideCredit(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'finance', 'general_manager');
}

/** What the credit check reads from the receivables ledger. */
export interface ReceivablesExposure {
  /** Outstanding invoices less held credit (≥ 0), and how many days the oldest open invoice is overdue (null: none). */
  exposureOf(customerId: string, currency: string, at: Date): Promise<{ openReceivablesMinor: number; oldestOverdueDays: number | null }>;
}

export interface OrdersConfig {
  /** An invoice overdue more than this many days holds every new order of the customer. */
  holdOverdueDays: number;
}

/** A refusal caused by credit: FORBIDDEN with a stable `reason` extension (ACCOUNT_FROZEN, CUSTOMER_BAD, CUSTOMER_REMOVED). */
export class CreditRefusalError extends ForbiddenError {
  constructor(readonly reason: RefusalReason) {
    super(refusalMessages[reason], { reason });
  }
}

/** Orders with the credit check at entry, credit decisions on held orders, delivery (docs/domain/credit.md). */
export class OrdersService {
  /** Further refusals other plugins add (an open bad-customer case), checked after the customer's own. */
  private readonly refusalChecks: ((customerId: string) => Promise<RefusalReason | null>)[] = [];

  constructor(
    readonly orders: Model<OrderRecord>,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
    private readonly facts: CustomerFacts,
    private readonly profiles: CreditProfilesService,
    private readonly receivables: ReceivablesExposure,
    readonly config: OrdersConfig,
  ) {}

  async place(caller: Caller, rawInput: unknown): Promise<OrderRecord> {
    if (!mayPlaceOrders(caller)) throw new ForbiddenError('Only sales staff, their managers, finance and the general manager enter orders');
    const input = parseInput(placeOrderInput, rawInput);
    const lines: OrderLineRecord[] = input.lines.map((line) => ({ ...line, amountMinor: line.quantity * line.unitPriceMinor }));
    const tooLarge = lines.map((line, i) => ({ line, i })).filter(({ line }) => !Number.isSafeInteger(line.amountMinor));
    if (tooLarge.length > 0) {
      const problems = tooLarge.map(({ i }) => ({ field: `input.lines.${i}.unitPriceMinor`, message: 'quantity × unit price is too large' }));
      throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    }
    const amountMinor = addMinor(...lines.map((line) => line.amountMinor));
    const now = this.clock.now();
    if (input.orderedAt && input.orderedAt.getTime() > now.getTime()) throw new BadUserInputError('input.orderedAt', 'cannot be in the future');
    const customer = await this.customer(caller, input.customerId, now);
    const profile = await this.profiles.findByCustomerId(customer._id);
    if (profile && profile.currency !== input.currency) throw new BadUserInputError('input.currency', `must be ${profile.currency}, the currency of the customer's credit limit`);
    this.refuseIf(refusalOf({ frozen: profile?.frozen ?? false, lifecycle: customer.lifecycle }));
    await this.refuseByChecks(customer._id);

    const check = await this.check(customer._id, amountMinor, input.currency, now, null);
    const decision: CreditDecisionRecord = { kind: 'CHECK', outcome: check.outcome, at: now, by: caller.userId, note: null, check };
    // The order, its credit decision (and, later, its events) are one document: one single-document write each time.
    return createOnce<OrderRecord>(this.orders, idempotencyKeyOf(caller.userId, input.idempotencyKey), async (stored) => {
      const created = await this.orders.create({
        ...stored,
        customerId: customer._id,
        consultantId: customer.ownerId,
        departmentId: customer.departmentId,
        region: customer.region,
        eventId: input.eventId,
        lines,
        currency: input.currency,
        amountMinor,
        status: check.outcome === 'PASSED' ? 'OPEN' : 'HELD',
        creditCheck: check,
        decisions: [decision],
        placedBy: caller.userId,
        placedAt: now,
        orderedAt: input.orderedAt ?? now,
        revision: 1,
        pendingEvents: [],
      });
      return created.toObject();
    });
  }

  /** A credit controller releases a held order: it becomes open (deliverable) whatever the check said. */
  release(caller: Caller, rawInput: unknown): Promise<OrderRecord> {
    if (!mayDecideCredit(caller)) throw new ForbiddenError('Only finance and the general manager release held orders');
    const input = parseInput(decideOrderInput, rawInput);
    return this.transition(caller, input.id, ['HELD'], async (order, now) => {
      await this.refuseOrder(order);
      const decision: CreditDecisionRecord = { kind: 'RELEASE', outcome: 'RELEASED', at: now, by: caller.userId, note: input.note, check: null };
      return { update: { $set: { status: 'OPEN' }, $push: { decisions: decision } } };
    });
  }

  /** A credit controller rejects a held order: it is closed and never delivered. */
  reject(caller: Caller, rawInput: unknown): Promise<OrderRecord> {
    if (!mayDecideCredit(caller)) throw new ForbiddenError('Only finance and the general manager reject held orders');
    const input = parseInput(decideOrderInput, rawInput);
    return this.transition(caller, input.id, ['HELD'], async (_order, now) => {
      const decision: CreditDecisionRecord = { kind: 'REJECT', outcome: 'REJECTED', at: now, by: caller.userId, note: input.note, check: null };
      return { update: { $set: { status: 'REJECTED' }, $push: { decisions: decision } } };
    });
  }

  /** Run the credit check again on a held order (after a payment, a new limit): it opens when the check passes now. */
  recheck(caller: Caller, rawInput: unknown): Promise<OrderRecord> {
    if (!mayPlaceOrders(caller)) throw new ForbiddenError('Only sales staff, their managers, finance and the general manager recheck orders');
    const input = parseInput(recheckOrderInput, rawInput);
    return this.transition(caller, input.id, ['HELD'], async (order, now) => {
      await this.refuseOrder(order);
      const check = await this.check(order.customerId, order.amountMinor, order.currency, now, order._id);
      const decision: CreditDecisionRecord = { kind: 'RECHECK', outcome: check.outcome, at: now, by: caller.userId, note: null, check };
      return { update: { $set: { status: check.outcome === 'PASSED' ? 'OPEN' : 'HELD', creditCheck: check }, $push: { decisions: decision } } };
    });
  }

  /** Deliver an open order; publishes crm.credit.order.delivered (receivables invoices it). A frozen account ships nothing. */
  deliver(caller: Caller, rawInput: unknown): Promise<OrderRecord> {
    if (!mayPlaceOrders(caller)) throw new ForbiddenError('Only sales staff, their managers, finance and the general manager deliver orders');
    const input = parseInput(deliverOrderInput, rawInput);
    return this.transition(caller, input.id, ['OPEN'], async (order, now) => {
      // A delivery recorded after the fact keeps the day the goods left (sales, invoice and due date follow it).
      const deliveredAt = input.deliveredAt ?? now;
      if (deliveredAt.getTime() > now.getTime()) throw new BadUserInputError('input.deliveredAt', 'cannot be in the future');
      if (deliveredAt.getTime() < order.orderedAt.getTime()) throw new BadUserInputError('input.deliveredAt', 'cannot be before the order was placed');
      await this.refuseOrder(order);
      const event = createEvent(orderDeliveredV1, {
        subject: String(order._id),
        actor: actorOf(caller),
        time: now,
        data: {
          orderId: String(order._id),
          customerId: order.customerId,
          consultantId: order.consultantId,
          departmentId: order.departmentId,
          region: order.region,
          eventId: order.eventId,
          lines: order.lines.map((line) => ({
            product: line.product,
            quantity: line.quantity,
            unitPrice: { amountMinor: line.unitPriceMinor, currency: order.currency },
            amount: { amountMinor: line.amountMinor, currency: order.currency },
          })),
          amount: { amountMinor: order.amountMinor, currency: order.currency },
          deliveredAt: deliveredAt.toISOString(),
        },
      });
      return { update: { $set: { status: 'DELIVERED', deliveredAt, deliveredBy: caller.userId } }, events: [event] };
    });
  }

  /** Cancel an order not delivered yet (held or open), saying why. */
  cancel(caller: Caller, rawInput: unknown): Promise<OrderRecord> {
    if (!mayPlaceOrders(caller)) throw new ForbiddenError('Only sales staff, their managers, finance and the general manager cancel orders');
    const input = parseInput(cancelOrderInput, rawInput);
    return this.transition(caller, input.id, ['HELD', 'OPEN'], async (_order, now) => ({
      update: { $set: { status: 'CANCELLED', cancelledAt: now, cancelledBy: caller.userId, cancelReason: input.note } },
    }));
  }

  /** Refuse entry, release, recheck and delivery for a further reason (another plugin's rule). */
  addRefusalCheck(check: (customerId: string) => Promise<RefusalReason | null>): void {
    this.refusalChecks.push(check);
  }

  /**
   * A bad-customer case opened: every held or open order of the customer is cancelled, one write per order at the
   * revision read (an order that changed meanwhile is read again). Answers the ids cancelled now.
   */
  async cancelForBadCustomerCase(customerId: string, caseId: string, byUserId: string): Promise<string[]> {
    const cancelled: string[] = [];
    for (let pass = 0; pass < 5; pass += 1) {
      const open = await this.orders.find({ customerId, status: { $in: ['HELD', 'OPEN'] } }).lean<OrderRecord[]>();
      if (open.length === 0) break;
      for (const order of open) {
        try {
          await updateVersioned(this.orders, order, { $set: { status: 'CANCELLED', cancelledAt: this.clock.now(), cancelledBy: byUserId, cancelReason: `bad-customer case ${caseId}` } }, [], { guard: { status: order.status } });
          cancelled.push(String(order._id));
        } catch (error) {
          if (!(error instanceof StaleRevisionError)) throw error;
        }
      }
    }
    return cancelled;
  }

  /** Accepted orders not delivered yet, per customer: the open-orders part of the exposure. */
  async openOrdersMinor(customerId: string, currency: string, except: Types.ObjectId | null): Promise<number> {
    const rows = await this.orders.aggregate<{ total: number }>([
      { $match: { customerId, status: 'OPEN', currency, ...(except ? { _id: { $ne: except } } : {}) } },
      { $group: { _id: null, total: { $sum: '$amountMinor' } } },
    ]);
    return rows[0]?.total ?? 0;
  }

  /** Orders of the customers the caller may read, newest first. */
  async list(caller: Caller, filter: { customerId?: string | null; status?: OrderStatus | null }, page: PageArgs): Promise<Connection<OrderRecord>> {
    const visible = await this.scopes.filterFor(caller, this.clock.now());
    const criteria: Record<string, unknown>[] = [];
    if (!visible.unrestricted) criteria.push({ customerId: { $in: visible.customerIds } });
    if (filter.customerId) criteria.push({ customerId: filter.customerId });
    if (filter.status) criteria.push({ status: filter.status });
    return paginateById<OrderRecord>(this.orders, criteria.length > 0 ? { $and: criteria } : {}, page, undefined, 'DESC');
  }

  findByIds(ids: readonly string[]): Promise<OrderRecord[]> {
    return this.orders.find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }).lean<OrderRecord[]>().exec();
  }

  private async check(customerId: string, amountMinor: number, currency: string, now: Date, except: Types.ObjectId | null): Promise<CreditCheckRecord> {
    const [profile, exposure, openOrdersMinor] = await Promise.all([this.profiles.findByCustomerId(customerId), this.receivables.exposureOf(customerId, currency, now), this.openOrdersMinor(customerId, currency, except)]);
    const result = runCreditCheck({
      orderAmountMinor: amountMinor,
      currency,
      creditLimitMinor: profile ? toMinor(profile.creditLimit, profile.currency) : null,
      openReceivablesMinor: exposure.openReceivablesMinor,
      openOrdersMinor,
      oldestOverdueDays: exposure.oldestOverdueDays,
      maxOverdueDays: this.config.holdOverdueDays,
    });
    return { ...result, at: now };
  }

  /** The customer an order is for: NOT_FOUND when accounts never announced it, FORBIDDEN outside the caller's scope. */
  private async customer(caller: Caller, customerId: string, now: Date): Promise<CustomerFactsRecord> {
    const customer = await this.facts.find(customerId);
    if (!customer) throw new NotFoundError('Customer', customerId);
    if (!(await this.scopes.canSee(caller, customer._id, now))) throw new ForbiddenError(`You may not enter orders for customer ${customerId}: outside your customers`, { customerId });
    return customer;
  }

  private refuseIf(reason: RefusalReason | null): void {
    if (reason) throw new CreditRefusalError(reason);
  }

  private async refuseOrder(order: OrderRecord): Promise<void> {
    const [profile, customer] = await Promise.all([this.profiles.findByCustomerId(order.customerId), this.facts.find(order.customerId)]);
    this.refuseIf(refusalOf({ frozen: profile?.frozen ?? false, lifecycle: customer?.lifecycle ?? null }));
    await this.refuseByChecks(order.customerId);
  }

  private async refuseByChecks(customerId: string): Promise<void> {
    for (const check of this.refusalChecks) this.refuseIf(await check(customerId));
  }

  /** Load, check scope and status, decide, and write once at the revision read (a concurrent change is a CONFLICT). */
  private async transition(
    caller: Caller,
    id: string,
    from: OrderStatus[],
    decide: (order: OrderRecord, now: Date) => Promise<{ update: UpdateQuery<OrderRecord>; events?: ReturnType<typeof createEvent>[] }>,
  ): Promise<OrderRecord> {
    const now = this.clock.now();
    const order = await this.orders.findById(id).lean<OrderRecord>();
    if (!order) throw new NotFoundError('Order', id);
    if (!(await this.scopes.canSee(caller, order.customerId, now))) throw new ForbiddenError(`You may not change order ${id}: outside your customers`, { customerId: order.customerId });
    if (!from.includes(order.status)) throw new ConflictError(`Order ${id} is ${order.status}; this needs it ${from.join(' or ')}`);
    const { update, events = [] } = await decide(order, now);
    try {
      return await updateVersioned(this.orders, order, update, events, { guard: { status: order.status } });
    } catch (error) {
      if (error instanceof StaleRevisionError) throw new ConflictError(`Order ${id} was changed meanwhile; reload and decide again`);
      throw error;
    }
  }
}

