import { customerFilingOverdueV1 } from '@crm/contracts';
import { createEvent, type EventActor } from '@crm/events';
import { actorOf, BadUserInputError, parseInput, type Clock, type Logger } from '@crm/kernel';
import { type WorkingCalendar } from '@crm/working-calendar';
import { z } from 'zod';
import type { CustomerAccess } from '../access/customer-access';
import type { CustomerExtension } from '../customers/customer-extensions';
import { instant } from '../customers/customer-input';
import type { CustomerStore } from '../customers/customer-store';
import type { CustomerRecord } from '../customers/customer.model';
import type { CustomersService } from '../customers/customers.service';
import { changeToReport, expenseDecision, fileNow, filingOf, filingSet, newFiling, overdueObligation, reportNow, type ExpenseKind } from './filing-rules';

const onCreateInput = z.object({ firstContactAt: instant.nullish() });
const fileInput = z.object({ id: z.string() });
const reportInput = z.object({ id: z.string(), note: z.string().trim().max(1000).nullish() });

/** Who raises overdue filings: the service itself, on its schedule. */
const filingJobActor: EventActor = { userId: 'system:accounts-filing', roles: ['internal_app'] };
/** Overdue customers handled per job run; the next run takes the rest. */
const OVERDUE_BATCH = 500;

export interface ExpenseCheck {
  customerId: string;
  kind: ExpenseKind;
  allowed: boolean;
  reason: string;
  message: string;
}

/** The filing deadline (备案): new customers filed and changes reported within 5 working days. */
export class FilingService {
  constructor(
    private readonly store: CustomerStore,
    private readonly customers: CustomersService,
    /** The platform's working calendar (holidays edited through the graph reach it as events). */
    private readonly calendar: { current(): WorkingCalendar },
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  extension(): CustomerExtension {
    return {
      name: 'filing',
      onCreate: ({ input, draft, now }) => {
        const { firstContactAt } = parseInput(onCreateInput, input);
        if (firstContactAt && firstContactAt.getTime() > now.getTime()) throw new BadUserInputError('input.firstContactAt', 'cannot lie in the future');
        // The department that made the first contact is the owner's: it files the customer.
        return { filing: newFiling(firstContactAt ?? now, draft.departmentId, this.calendar.current()) };
      },
      onReportableChange: (current, _write, now) => {
        const patch = changeToReport(filingOf(current), now, this.calendar.current());
        return patch ? filingSet(current, patch) : null;
      },
      filter: (filter, { now }) => {
        const criteria: Record<string, unknown>[] = [];
        switch (filter.filingStatus) {
          case 'UNFILED':
            criteria.push({ filing: { $ne: null }, 'filing.filedAt': null, 'filing.dueAt': { $gte: now } });
            break;
          case 'FILING_OVERDUE':
            criteria.push({ filing: { $ne: null }, 'filing.filedAt': null, 'filing.dueAt': { $lt: now } });
            break;
          case 'FILED':
            criteria.push({ $or: [{ filing: null }, { 'filing.filedAt': { $ne: null }, 'filing.changeReportDueAt': null }] });
            break;
          case 'CHANGES_UNREPORTED':
            criteria.push({ 'filing.filedAt': { $ne: null }, 'filing.changeReportDueAt': { $gte: now } });
            break;
          case 'CHANGE_REPORT_OVERDUE':
            criteria.push({ 'filing.changeReportDueAt': { $lt: now } });
            break;
          default:
            break;
        }
        if (filter.filingOverdue === true) criteria.push({ 'filing.nextDueAt': { $lt: now } });
        if (filter.filingOverdue === false) criteria.push({ $or: [{ 'filing.nextDueAt': null }, { 'filing.nextDueAt': { $gte: now } }] });
        return criteria;
      },
      sortPaths: { FILING_DUE_AT: 'filing.nextDueAt' },
    };
  }

  /** The department files the customer. Filing a filed customer changes nothing (safe to retry). */
  async file(access: CustomerAccess, rawInput: unknown): Promise<CustomerRecord> {
    const { id } = parseInput(fileInput, rawInput);
    const by = access.caller.userId;
    return this.store.modify(await this.customers.editableId(access, id), actorOf(access.caller), (current) => {
      const filing = filingOf(current);
      const patch = fileNow(filing, this.clock.now(), by);
      if (!patch) return null;
      // The whole filing is set so the store's snapshot sees filedAt and announces `filed` in customer.updated.
      return { set: { filing: { ...filing, ...patch } }, changes: [{ field: 'filing.filedAt', before: null, after: patch.filedAt }] };
    });
  }

  /** The department reports the changes made since filing. Nothing pending changes nothing (safe to retry). */
  async reportChanges(access: CustomerAccess, rawInput: unknown): Promise<CustomerRecord> {
    const { id, note } = parseInput(reportInput, rawInput);
    const by = access.caller.userId;
    return this.store.modify(await this.customers.editableId(access, id), actorOf(access.caller), (current) => {
      const filing = filingOf(current);
      const patch = reportNow(filing, this.clock.now(), by);
      if (!patch) return null;
      return { set: filingSet(current, patch), changes: [{ field: 'filing.changesReported', before: filing.unreportedChangeSince ?? null, after: note ? { at: patch.lastReportedAt, note } : patch.lastReportedAt }] };
    });
  }

  /** May an expense (entertainment, travel, gift…) be booked for this customer? Refused while it is not filed. */
  async expenseCheck(access: CustomerAccess, customerId: string, kind: ExpenseKind): Promise<ExpenseCheck> {
    const customer = await this.customers.findVisible(access, customerId);
    const decision = expenseDecision(customer, this.clock.now());
    return { customerId: customer ? String(customer._id) : customerId, kind, ...decision };
  }

  /**
   * The scheduled check: every pending obligation past its deadline raises crm.accounts.customer.filing-overdue
   * once (the mark and the event are one write; a new obligation clears the mark).
   */
  async raiseOverdue(): Promise<number> {
    const now = this.clock.now();
    const due = await this.store.model
      .find({ 'filing.nextDueAt': { $lt: now }, 'filing.overdueRaisedAt': null, mergedInto: null }, { _id: 1 })
      .limit(OVERDUE_BATCH)
      .lean<Pick<CustomerRecord, '_id'>[]>();
    let raised = 0;
    for (const { _id } of due) {
      let raising = false;
      try {
        await this.store.modify(_id, filingJobActor, (current) => {
          const filing = current.filing;
          raising = false;
          if (!filing?.nextDueAt || filing.overdueRaisedAt || filing.nextDueAt.getTime() >= now.getTime() || current.mergedInto) return null;
          const obligation = overdueObligation(filing);
          raising = true;
          const event = createEvent(customerFilingOverdueV1, {
            subject: String(current._id),
            actor: filingJobActor,
            time: now,
            data: {
              customerId: String(current._id),
              customerName: current.name,
              obligation,
              dueAt: filing.nextDueAt.toISOString(),
              departmentId: current.departmentId,
              ownerConsultantId: current.ownerId,
            },
          });
          return {
            set: { 'filing.overdueRaisedAt': now },
            changes: [{ field: 'filing.overdue', before: null, after: { obligation, dueAt: filing.nextDueAt.toISOString() } }],
            events: [event],
            guard: { 'filing.overdueRaisedAt': null },
          };
        });
        if (raising) raised += 1;
      } catch (error) {
        this.logger.error({ err: error, customerId: String(_id) }, 'could not raise an overdue filing; the next run retries');
      }
    }
    return raised;
  }
}
