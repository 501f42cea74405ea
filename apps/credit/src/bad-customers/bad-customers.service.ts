import { hasRole, isPartner, type Caller } from '@crm/auth';
import { badCustomerCaseClosedV1, badCustomerCaseOpenedV1, customerIdSchema } from '@crm/contracts';
import type { CustomerScopeDirectory } from '@crm/customer-scope';
import { isDuplicateKeyError, paginateById, type Connection, type PageArgs } from '@crm/data';
import { createEvent, StaleRevisionError, updateVersioned } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, parseInput, type Clock } from '@crm/kernel';
import { Types, type Model, type UpdateQuery } from 'mongoose';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CreditProfilesService } from '../credit-profiles/credit-profiles.service';
import type { CustomerFacts } from '../customer-facts/customer-facts';
import { calendarDayOf, dayOfNumber } from '../money/calendar-day';
import type { OrdersService } from '../orders/orders.service';
import type { ReceivablesService } from '../receivables/receivables.service';
import { badCustomerFactKinds, endsRelationship, evaluateBadCustomer, laterDay, measuresFor, measureTable, specialMeasures, badCustomerMeasures, type BadCustomerSubject, type ResponsibleDepartment, type RuleFinding } from './bad-customer-rules';
import type { BadCustomerCandidateView, BadCustomerCaseRecord, BadCustomerCaseStatus, BadCustomerDryRunView, BadCustomerFactRecord, MeasureTaskRecord } from './bad-customer.model';

/** Who evaluates, opens, dismisses and closes bad-customer cases: finance and the general manager. */
export function mayWorkBadCustomerCases(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'finance', 'general_manager');
}

/** Who records a fact about a customer (bankruptcy, fraud, a payment promise): finance, the general manager, department managers. */
export function mayRecordBadCustomerFacts(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'finance', 'general_manager', 'department_manager');
}

export interface BadCustomersConfig {
  /** The department id of administration (legal work), whose staff complete its tasks. */
  administrationDepartmentId: string;
}

/**
 * Who completes a task of a department: the general manager always; finance's tasks, finance; the business
 * department's, the managers and consultants of the customer's department; administration's, its staff.
 */
export function mayCompleteMeasure(caller: Caller, department: ResponsibleDepartment, customerDepartmentId: string, config: BadCustomersConfig): boolean {
  if (isPartner(caller)) return false;
  if (hasRole(caller, 'general_manager')) return true;
  switch (department) {
    case 'FINANCE':
      return hasRole(caller, 'finance');
    case 'BUSINESS_DEPARTMENT':
      return hasRole(caller, 'department_manager', 'consultant') && caller.departmentId === customerDepartmentId;
    case 'ADMINISTRATION':
      return caller.departmentId === config.administrationDepartmentId;
  }
}

/** The platform's actor for the evaluation job and the automatic measures. */
export const BAD_CUSTOMERS_ACTOR = 'system:bad-customers';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a calendar day, YYYY-MM-DD');
const caseId = z.string().regex(/^[0-9a-f]{24}$/i, 'is not a valid id');
const text = (what: string, max = 2000) => z.string().trim().min(1, what).max(max);

const recordFactInput = z.object({
  customerId: customerIdSchema,
  kind: z.enum(badCustomerFactKinds),
  evidence: text('must name the evidence (a ruling, a filing, a report)'),
  occurredOn: day,
  promisedOn: day.nullish().transform((v) => v ?? null),
});
const openInput = z.object({
  id: caseId,
  specialMeasures: z
    .array(z.enum(specialMeasures))
    .nullish()
    .transform((v) => [...new Set(v ?? [])]),
  note: z.string().trim().max(2000).nullish().transform((v) => v || null),
});
const dismissInput = z.object({ id: caseId, note: text('must say why') });
const completeInput = z.object({ caseId, measure: z.enum(badCustomerMeasures as [string, ...string[]]), note: text('must say what was done') });
const closeInput = z.object({ id: caseId, causeAnalysis: text('a case closes only with its cause analysis', 10_000), preventiveMeasures: text('a case closes only with its preventive measures', 10_000) });

/** Tries of a platform write on a case before giving up until the next run. */
const CASE_TRIES = 10;

/** Bad-customer cases (docs/domain/credit.md): facts, the declarative criteria, the dry run, proposals, measures as tasks, closing. */
export class BadCustomersService {
  constructor(
    readonly cases: Model<BadCustomerCaseRecord>,
    readonly facts: Model<BadCustomerFactRecord>,
    private readonly orders: OrdersService,
    private readonly receivables: ReceivablesService,
    private readonly customers: CustomerFacts,
    private readonly profiles: CreditProfilesService,
    private readonly scopes: CustomerScopeDirectory,
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly config: BadCustomersConfig,
  ) {}

  /** Record a fact with its evidence; the next evaluation reads it. */
  async recordFact(caller: Caller, rawInput: unknown): Promise<BadCustomerFactRecord> {
    if (!mayRecordBadCustomerFacts(caller)) throw new ForbiddenError('Only finance, the general manager and department managers record facts about customers');
    const input = parseInput(recordFactInput, rawInput);
    const today = this.receivables.today();
    const problems: { field: string; message: string }[] = [];
    if (input.occurredOn > today) problems.push({ field: 'input.occurredOn', message: 'cannot be in the future' });
    if (input.kind === 'PAYMENT_PROMISE' && input.promisedOn === null) problems.push({ field: 'input.promisedOn', message: 'a payment promise needs the day the customer promised to pay by' });
    if (input.kind !== 'PAYMENT_PROMISE' && input.promisedOn !== null) problems.push({ field: 'input.promisedOn', message: 'only a payment promise has a day promised' });
    if (input.promisedOn !== null && input.promisedOn < input.occurredOn) problems.push({ field: 'input.promisedOn', message: 'cannot be before the promise was made' });
    if (problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    const now = this.clock.now();
    const customer = await this.customers.find(input.customerId);
    if (!customer) throw new NotFoundError('Customer', input.customerId);
    if (!(await this.scopes.canSee(caller, customer._id, now))) throw new ForbiddenError(`You may not record facts about customer ${input.customerId}: outside your customers`, { customerId: input.customerId });
    const created = await this.facts.create({ customerId: customer._id, kind: input.kind, evidence: input.evidence, occurredOn: input.occurredOn, promisedOn: input.promisedOn, recordedBy: caller.userId, recordedAt: now });
    return created.toObject();
  }

  /** Who would be flagged today and why, with the case already proposed or open for them; nothing is written. */
  async dryRun(caller: Caller): Promise<BadCustomerDryRunView> {
    if (!mayWorkBadCustomerCases(caller)) throw new ForbiddenError('Only finance and the general manager evaluate bad customers');
    const { asOf, evaluated, flagged } = await this.evaluate();
    const active = await this.activeCases(flagged.map((f) => f.customerId));
    const factsById = await this.factsById(flagged.flatMap((f) => f.findings.flatMap((finding) => finding.factIds)));
    const candidates: BadCustomerCandidateView[] = flagged.map(({ customerId, findings }) => ({
      customerId,
      asOf,
      findings: findings.map((finding) => ({ ...finding, facts: finding.factIds.map((id) => factsById.get(id)).filter((f): f is BadCustomerFactRecord => Boolean(f)) })),
      activeCase: active.get(customerId) ?? null,
    }));
    return { asOf, evaluatedCustomers: evaluated, candidates };
  }

  /** The evaluation with effect: a PROPOSED case for each flagged customer without an active case (the job, or on request). */
  async propose(caller: Caller): Promise<BadCustomerCaseRecord[]> {
    if (!mayWorkBadCustomerCases(caller)) throw new ForbiddenError('Only finance and the general manager propose bad-customer cases');
    return this.proposeAs(caller.userId);
  }

  async proposeAs(userId: string): Promise<BadCustomerCaseRecord[]> {
    const { flagged } = await this.evaluate();
    const active = await this.activeCases(flagged.map((f) => f.customerId));
    const customerFacts = await this.customers.findMany(flagged.map((f) => f.customerId));
    const proposed: BadCustomerCaseRecord[] = [];
    for (const { customerId, findings } of flagged.filter((f) => !active.has(f.customerId))) {
      try {
        const created = await this.cases.create({
          customerId,
          departmentId: customerFacts.get(customerId)?.departmentId ?? 'UNKNOWN',
          status: 'PROPOSED',
          activeKey: customerId,
          findings,
          proposedAt: this.clock.now(),
          proposedBy: userId,
          measures: [],
          revision: 1,
          pendingEvents: [],
        });
        proposed.push(created.toObject());
      } catch (error) {
        // A concurrent evaluation proposed it first: one active case per customer.
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    if (proposed.length > 0) this.logger.info({ proposed: proposed.length }, 'bad-customer cases proposed');
    return proposed;
  }

  /**
   * Open a proposed case: the criteria are evaluated again (a customer that no longer meets any is a CONFLICT:
   * dismiss the proposal), the measures become tasks of their departments, and crm.credit.bad-customer-case.opened
   * is published in the same write; then every held or open order of the customer is cancelled, one write each.
   */
  async open(caller: Caller, rawInput: unknown): Promise<BadCustomerCaseRecord> {
    if (!mayWorkBadCustomerCases(caller)) throw new ForbiddenError('Only finance and the general manager open bad-customer cases');
    const input = parseInput(openInput, rawInput);
    const current = await this.load(input.id);
    if (current.status !== 'PROPOSED') throw new ConflictError(`Bad-customer case ${input.id} is ${current.status}; only a PROPOSED case opens`);
    const findings = evaluateBadCustomer(await this.subjectOf(current.customerId));
    if (findings.length === 0) throw new ConflictError(`Customer ${current.customerId} meets no bad-customer criterion any more; dismiss the proposal`);
    const now = this.clock.now();
    const measures: MeasureTaskRecord[] = measuresFor(input.specialMeasures).map((measure) => ({ measure, kind: measureTable[measure].kind, department: measureTable[measure].department, status: 'OPEN', doneAt: null, doneBy: null, note: null }));
    const event = createEvent(badCustomerCaseOpenedV1, {
      subject: current.customerId,
      actor: actorOf(caller),
      time: now,
      data: {
        caseId: String(current._id),
        customerId: current.customerId,
        criteria: findings.map((f) => ({ rule: f.rule, reason: f.reason })),
        measures: measures.map((m) => ({ measure: m.measure, department: m.department })),
        openedAt: now.toISOString(),
      },
    });
    const opened = await this.write(current, { $set: { status: 'OPEN', findings, measures, openedAt: now, openedBy: caller.userId, openNote: input.note } }, [event]);
    return this.applyAutomaticMeasures(opened);
  }

  /** Dismiss a proposal (the customer is not to be handled as bad), saying why. */
  async dismiss(caller: Caller, rawInput: unknown): Promise<BadCustomerCaseRecord> {
    if (!mayWorkBadCustomerCases(caller)) throw new ForbiddenError('Only finance and the general manager dismiss bad-customer cases');
    const input = parseInput(dismissInput, rawInput);
    const current = await this.load(input.id);
    if (current.status !== 'PROPOSED') throw new ConflictError(`Bad-customer case ${input.id} is ${current.status}; only a PROPOSED case is dismissed`);
    return this.write(current, { $set: { status: 'DISMISSED', activeKey: String(current._id), dismissedAt: this.clock.now(), dismissedBy: caller.userId, dismissReason: input.note } }, []);
  }

  /** A department reports a measure done (freezing the account needs the credit profile frozen). */
  async completeMeasure(caller: Caller, rawInput: unknown): Promise<BadCustomerCaseRecord> {
    if (isPartner(caller)) throw new ForbiddenError('Partners see nothing in credit');
    const input = parseInput(completeInput, rawInput);
    const current = await this.load(input.caseId);
    const task = current.measures.find((m) => m.measure === input.measure);
    if (current.status !== 'OPEN') throw new ConflictError(`Bad-customer case ${input.caseId} is ${current.status}; measures are done on an OPEN case`);
    if (!task) throw new BadUserInputError('input.measure', `this case applies no ${input.measure} measure`);
    if (!mayCompleteMeasure(caller, task.department, current.departmentId, this.config)) throw new ForbiddenError(`${input.measure} is a task of ${task.department}`, { department: task.department });
    if (task.status === 'DONE') throw new ConflictError(`${input.measure} is done already`);
    if (task.measure === 'FREEZE_ACCOUNT' && !(await this.profiles.findByCustomerId(current.customerId))?.frozen) {
      throw new ConflictError('The credit profile is not frozen: freeze it with setCreditProfile first');
    }
    const now = this.clock.now();
    const measures = current.measures.map((m) => (m.measure === task.measure ? { ...m, status: 'DONE' as const, doneAt: now, doneBy: caller.userId, note: input.note } : m));
    return this.write(current, { $set: { measures } }, []);
  }

  /** Close an open case whose every measure is done, with the cause analysis and preventive measures; it is archived. */
  async close(caller: Caller, rawInput: unknown): Promise<BadCustomerCaseRecord> {
    if (!mayWorkBadCustomerCases(caller)) throw new ForbiddenError('Only finance and the general manager close bad-customer cases');
    const input = parseInput(closeInput, rawInput);
    const current = await this.load(input.id);
    if (current.status !== 'OPEN') throw new ConflictError(`Bad-customer case ${input.id} is ${current.status}; only an OPEN case closes`);
    const open = current.measures.filter((m) => m.status !== 'DONE').map((m) => m.measure);
    if (open.length > 0) throw new ConflictError(`Measures not done yet: ${open.join(', ')}`);
    const now = this.clock.now();
    const applied = current.measures.map((m) => m.measure);
    const event = createEvent(badCustomerCaseClosedV1, {
      subject: current.customerId,
      actor: actorOf(caller),
      time: now,
      data: {
        caseId: String(current._id),
        customerId: current.customerId,
        causeAnalysis: input.causeAnalysis,
        preventiveMeasures: input.preventiveMeasures,
        removeFromArchive: endsRelationship(applied),
        appliedMeasures: applied,
        closedAt: now.toISOString(),
      },
    });
    return this.write(
      current,
      { $set: { status: 'CLOSED', activeKey: String(current._id), closedAt: now, closedBy: caller.userId, causeAnalysis: input.causeAnalysis, preventiveMeasures: input.preventiveMeasures, archivedAt: now } },
      [event],
    );
  }

  /** The job: propose cases for the customers newly flagged, and finish the automatic measures of open cases. */
  async runEvaluation(): Promise<void> {
    await this.proposeAs(BAD_CUSTOMERS_ACTOR);
    const open = await this.cases.find({ status: 'OPEN' }).lean<BadCustomerCaseRecord[]>();
    const withOrders = new Set(await this.orders.orders.distinct('customerId', { customerId: { $in: open.map((c) => c.customerId) }, status: { $in: ['HELD', 'OPEN'] } }));
    for (const current of open.filter((c) => withOrders.has(c.customerId) || c.measures.some((m) => m.measure === 'CANCEL_OPEN_ORDERS' && m.status !== 'DONE'))) {
      await this.applyAutomaticMeasures(current);
    }
  }

  /** Cases of the customers the caller may read, newest first. */
  async list(caller: Caller, filter: { status?: BadCustomerCaseStatus | null; customerId?: string | null }, page: PageArgs): Promise<Connection<BadCustomerCaseRecord>> {
    const visible = await this.scopes.filterFor(caller, this.clock.now());
    const criteria: Record<string, unknown>[] = [];
    if (!visible.unrestricted) criteria.push({ customerId: { $in: visible.customerIds } });
    if (filter.customerId) criteria.push({ customerId: filter.customerId });
    if (filter.status) criteria.push({ status: filter.status });
    return paginateById<BadCustomerCaseRecord>(this.cases, criteria.length > 0 ? { $and: criteria } : {}, page, undefined, 'DESC');
  }

  findByIds(ids: readonly string[]): Promise<BadCustomerCaseRecord[]> {
    const valid = ids.filter((id) => /^[0-9a-f]{24}$/i.test(id));
    return this.cases.find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) } }).lean<BadCustomerCaseRecord[]>().exec();
  }

  async factsById(ids: readonly string[]): Promise<Map<string, BadCustomerFactRecord>> {
    const valid = [...new Set(ids)].filter((id) => /^[0-9a-f]{24}$/i.test(id));
    if (valid.length === 0) return new Map();
    const rows = await this.facts.find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) } }).lean<BadCustomerFactRecord[]>();
    return new Map(rows.map((row) => [String(row._id), row]));
  }

  /** The customers among these with an OPEN case (credit standing, order refusal). */
  async withOpenCase(customerIds: readonly string[]): Promise<Set<string>> {
    const rows = await this.cases.find({ customerId: { $in: [...customerIds] }, status: 'OPEN' }, { customerId: 1 }).lean<Pick<BadCustomerCaseRecord, 'customerId'>[]>();
    return new Set(rows.map((row) => row.customerId));
  }

  private async activeCases(customerIds: readonly string[]): Promise<Map<string, BadCustomerCaseRecord>> {
    const rows = await this.cases.find({ customerId: { $in: [...customerIds] }, status: { $in: ['PROPOSED', 'OPEN'] } }).lean<BadCustomerCaseRecord[]>();
    return new Map(rows.map((row) => [row.customerId, row]));
  }

  private async load(id: string): Promise<BadCustomerCaseRecord> {
    const found = await this.cases.findById(id).lean<BadCustomerCaseRecord>();
    if (!found) throw new NotFoundError('BadCustomerCase', id);
    return found;
  }

  private async write(current: BadCustomerCaseRecord, update: UpdateQuery<BadCustomerCaseRecord>, events: ReturnType<typeof createEvent>[]): Promise<BadCustomerCaseRecord> {
    try {
      return await updateVersioned(this.cases, current, update, events, { guard: { status: current.status } });
    } catch (error) {
      if (error instanceof StaleRevisionError) throw new ConflictError(`Bad-customer case ${String(current._id)} was changed meanwhile; reload and try again`);
      throw error;
    }
  }

  /**
   * The measures credit carries out itself: cancel every held or open order (one write per order), then mark
   * CANCEL_OPEN_ORDERS done with what was cancelled. Safe to repeat (the job finishes what a crash left).
   */
  private async applyAutomaticMeasures(opened: BadCustomerCaseRecord): Promise<BadCustomerCaseRecord> {
    const cancelled = await this.orders.cancelForBadCustomerCase(opened.customerId, String(opened._id), BAD_CUSTOMERS_ACTOR);
    let current = opened;
    for (let attempt = 0; attempt < CASE_TRIES; attempt += 1) {
      const task = current.measures.find((m) => m.measure === 'CANCEL_OPEN_ORDERS');
      const ids = [...new Set([...current.cancelledOrderIds, ...cancelled])];
      if (current.status !== 'OPEN' || (task?.status === 'DONE' && ids.length === current.cancelledOrderIds.length)) return current;
      const now = this.clock.now();
      const measures = current.measures.map((m) => (m.measure === 'CANCEL_OPEN_ORDERS' && m.status !== 'DONE' ? { ...m, status: 'DONE' as const, doneAt: now, doneBy: BAD_CUSTOMERS_ACTOR, note: `${ids.length} open order${ids.length === 1 ? '' : 's'} cancelled` } : m));
      try {
        return await updateVersioned(this.cases, current, { $set: { measures, cancelledOrderIds: ids } }, [], { guard: { status: 'OPEN' } });
      } catch (error) {
        if (!(error instanceof StaleRevisionError)) throw error;
        current = await this.load(String(opened._id));
      }
    }
    return current;
  }

  private async subjectOf(customerId: string): Promise<BadCustomerSubject> {
    const { subjects } = await this.subjects([customerId]);
    return subjects[0] ?? { customerId, asOf: this.receivables.today(), facts: [], oldestOpenDueOn: null, lastBusinessOn: null };
  }

  private async evaluate(): Promise<{ asOf: string; evaluated: number; flagged: { customerId: string; findings: RuleFinding[] }[] }> {
    const { asOf, subjects } = await this.subjects(null);
    const flagged = subjects.map((subject) => ({ customerId: subject.customerId, findings: evaluateBadCustomer(subject) })).filter((f) => f.findings.length > 0);
    return { asOf, evaluated: subjects.length, flagged };
  }

  /**
   * What the rules read, for some customers or all: each ledger's oldest open due day and last invoice, the last
   * order entered, the recorded facts (one aggregation or query each). Customers removed or merged away are left out.
   */
  private async subjects(customerIds: string[] | null): Promise<{ asOf: string; subjects: BadCustomerSubject[] }> {
    const asOf = this.receivables.today();
    const timeZone = this.receivables.timeZone();
    const [ledgerRows, orderRows, factRows] = await Promise.all([
      this.receivables.ledgers.aggregate<{ _id: string; oldest: number | null; lastIssuedAt: Date | null }>([
        ...(customerIds ? [{ $match: { _id: { $in: customerIds } } }] : []),
        { $unwind: '$invoices' },
        { $group: { _id: '$_id', oldest: { $min: '$oldestOpenDueDayNumber' }, lastIssuedAt: { $max: '$invoices.issuedAt' } } },
      ]),
      this.orders.orders.aggregate<{ _id: string; last: Date }>([{ $match: { status: { $in: ['HELD', 'OPEN', 'DELIVERED'] }, ...(customerIds ? { customerId: { $in: customerIds } } : {}) } }, { $group: { _id: '$customerId', last: { $max: '$orderedAt' } } }]),
      this.facts.find(customerIds ? { customerId: { $in: customerIds } } : {}).lean<BadCustomerFactRecord[]>(),
    ]);
    const ids = [...new Set([...ledgerRows.map((r) => r._id), ...orderRows.map((r) => r._id), ...factRows.map((r) => r.customerId)])].sort();
    const known = await this.customers.findMany(ids);
    const ledgers = new Map(ledgerRows.map((r) => [r._id, r]));
    const factsOf = new Map<string, BadCustomerFactRecord[]>();
    for (const fact of factRows) factsOf.set(fact.customerId, [...(factsOf.get(fact.customerId) ?? []), fact]);
    const lastOrders = new Map(orderRows.map((r) => [r._id, r.last]));
    const subjects = ids
      .filter((id) => known.get(id)?.lifecycle !== 'REMOVED' && !known.get(id)?.mergedInto)
      .map((customerId): BadCustomerSubject => {
        const ledger = ledgers.get(customerId);
        const lastOrder = lastOrders.get(customerId);
        return {
          customerId,
          asOf,
          facts: (factsOf.get(customerId) ?? []).map((f) => ({ id: String(f._id), kind: f.kind, evidence: f.evidence, occurredOn: f.occurredOn, promisedOn: f.promisedOn })),
          oldestOpenDueOn: ledger?.oldest != null ? dayOfNumber(ledger.oldest) : null,
          lastBusinessOn: laterDay(ledger?.lastIssuedAt ? calendarDayOf(new Date(ledger.lastIssuedAt), timeZone) : null, lastOrder ? calendarDayOf(new Date(lastOrder), timeZone) : null),
        };
      });
    return { asOf, subjects };
  }
}
