import { hasRole, type Caller } from '@crm/auth';
import { customerHandedOverV1 } from '@crm/contracts';
import { createEvent } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, parseInput, type InputProblem, type Logger } from '@crm/kernel';
import { z } from 'zod';
import { staffOf } from '../classification/classification-rules';
import type { CustomerStore, CustomerWrite } from '../customers/customer-store';
import type { CustomerRecord } from '../customers/customer.model';
import type { ConsultantRecord } from '../organisation/organisation.model';
import type { OrganisationService } from '../organisation/organisation.service';
import { staffAfterHandover, wouldLoseKeyStaffing } from './handover-rules';

const consultantId = z.string().trim().min(1, 'is required').max(64);
const handOverInput = z.object({ fromConsultantId: consultantId, toConsultantId: consultantId, reason: z.string().trim().min(1, 'is required').max(500) });
const deactivateInput = z.object({ id: z.string() });

export interface HandoverResult {
  fromConsultant: ConsultantRecord;
  toConsultant: ConsultantRecord;
  reason: string;
  /** Customers whose owner changed in this call. */
  movedCustomerIds: string[];
  /** Customers `from` served without owning them, now served by `to`. */
  reassignedCustomerIds: string[];
  /** Customers `from` still owns or serves (a write failed): call again to finish. */
  remaining: number;
}

/** Customers the leaving consultant owns or serves; merged records are left alone. */
const servedBy = (consultantId: string) => ({ mergedInto: null, $or: [{ ownerId: consultantId }, { assignedStaffIds: consultantId }] });

/** Handing a leaving or moved consultant's customers to a named replacement; no customer is ever left without an owner. */
export class HandoverService {
  constructor(
    private readonly store: CustomerStore,
    private readonly organisation: OrganisationService,
    private readonly logger: Logger,
  ) {}

  /**
   * Every customer of `from` goes to `to` in one operation: one single-document write per customer, each with
   * its history entries and its events. A retry after a partial failure moves only what is left.
   */
  async handOver(caller: Caller, rawInput: unknown): Promise<HandoverResult> {
    const { fromConsultantId, toConsultantId, reason } = parseInput(handOverInput, rawInput);
    if (fromConsultantId === toConsultantId) throw new BadUserInputError('input.toConsultantId', 'must be another consultant');
    // Both consultants are looked up together, so a request naming two unknown ones hears of both.
    const [from, to] = await Promise.all([this.organisation.consultant(fromConsultantId).catch(() => null), this.organisation.activeConsultant(toConsultantId).catch(() => null)]);
    const problems: InputProblem[] = [];
    if (!from) problems.push({ field: 'input.fromConsultantId', message: `no consultant ${fromConsultantId}` });
    if (!to) problems.push({ field: 'input.toConsultantId', message: `no active consultant ${toConsultantId}` });
    if (!from || !to) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    if (!mayHandOver(caller, from, to)) throw new ForbiddenError('Only the general manager, or the manager of both consultants\' department, hands customers over');

    const affected = await this.store.model.find(servedBy(from._id), { _id: 1, importance: 1, ownerId: 1, assignedStaffIds: 1 }).lean<CustomerRecord[]>();
    const blocked = affected.filter((c) => wouldLoseKeyStaffing(c, from._id, to._id));
    if (blocked.length > 0) {
      throw new BadUserInputError(
        'input.toConsultantId',
        `${blocked.length} KEY customer(s) would be left with fewer than two staff (${blocked.map((c) => String(c._id)).join(', ')}); assign another staff member to them first`,
      );
    }

    const actor = actorOf(caller);
    const moved: string[] = [];
    const reassigned: string[] = [];
    for (const { _id } of affected) {
      try {
        let outcome: 'moved' | 'reassigned' | null = null;
        await this.store.modify(_id, actor, (current) => {
          const decided = this.handoverWrite(current, from, to, reason, caller);
          outcome = decided?.outcome ?? null;
          return decided?.write ?? null;
        });
        if (outcome === 'moved') moved.push(String(_id));
        if (outcome === 'reassigned') reassigned.push(String(_id));
      } catch (error) {
        // Keep going: the others still move; a retry of the same handover finishes this one.
        this.logger.error({ err: error, customerId: String(_id), from: from._id, to: to._id }, 'handover of a customer failed');
      }
    }
    const remaining = await this.store.model.countDocuments(servedBy(from._id));
    return { fromConsultant: from, toConsultant: to, reason, movedCustomerIds: moved, reassignedCustomerIds: reassigned, remaining };
  }

  /** A consultant who leaves must own and serve no customer any more. */
  async deactivate(caller: Caller, rawInput: unknown): Promise<ConsultantRecord> {
    const { id } = parseInput(deactivateInput, rawInput);
    const consultant = await this.organisation.consultant(id);
    if (!hasRole(caller, 'general_manager') && !(hasRole(caller, 'department_manager') && caller.departmentId === consultant.departmentId)) {
      throw new ForbiddenError('Only the general manager or the consultant\'s department manager deactivates a consultant');
    }
    await this.refuseWhileServing(consultant._id);
    const deactivated = await this.organisation.setActive(consultant._id, false);
    // A customer may have been given to them between the check and the write: undo rather than orphan it.
    const late = await this.store.model.countDocuments(servedBy(consultant._id));
    if (late > 0) {
      await this.organisation.setActive(consultant._id, true);
      await this.refuseWhileServing(consultant._id);
    }
    return deactivated;
  }

  private async refuseWhileServing(consultantId: string): Promise<void> {
    const [owned, assigned] = await Promise.all([
      this.store.model.countDocuments({ mergedInto: null, ownerId: consultantId }),
      this.store.model.countDocuments({ mergedInto: null, assignedStaffIds: consultantId, ownerId: { $ne: consultantId } }),
    ]);
    if (owned + assigned > 0) {
      throw new ConflictError(`${consultantId} still owns ${owned} and serves ${assigned} more customer(s); hand them over first (handOverCustomers)`, {
        ownedCustomers: owned,
        assignedCustomers: assigned,
      });
    }
  }

  private handoverWrite(current: CustomerRecord, from: ConsultantRecord, to: ConsultantRecord, reason: string, caller: Caller): { outcome: 'moved' | 'reassigned'; write: CustomerWrite } | null {
    const staffBefore = staffOf(current);
    if (current.mergedInto || !staffBefore.includes(from._id)) return null;
    const staffAfter = staffAfterHandover(current, from._id, to._id);
    const changes = [{ field: 'assignedStaffIds', before: staffBefore, after: staffAfter }];
    if (current.ownerId !== from._id) {
      return { outcome: 'reassigned', write: { set: { assignedStaffIds: staffAfter }, changes: [...changes, { field: 'handover', before: from._id, after: { to: to._id, reason } }], guard: { assignedStaffIds: from._id } } };
    }
    const now = this.store.now();
    const event = createEvent(customerHandedOverV1, {
      subject: String(current._id),
      actor: actorOf(caller),
      time: now,
      data: {
        customerId: String(current._id),
        customerName: current.name,
        fromConsultantId: from._id,
        toConsultantId: to._id,
        fromDepartmentId: current.departmentId,
        toDepartmentId: to.departmentId,
        reason,
        handedOverAt: now.toISOString(),
      },
    });
    return {
      outcome: 'moved',
      write: {
        set: { ownerId: to._id, departmentId: to.departmentId, assignedStaffIds: staffAfter },
        changes: [
          { field: 'ownerId', before: from._id, after: to._id },
          ...(current.departmentId !== to.departmentId ? [{ field: 'departmentId', before: current.departmentId, after: to.departmentId }] : []),
          ...changes,
          { field: 'handover', before: from._id, after: { to: to._id, reason } },
        ],
        events: [event],
        guard: { ownerId: from._id },
      },
    };
  }
}

function mayHandOver(caller: Caller, from: ConsultantRecord, to: ConsultantRecord): boolean {
  if (hasRole(caller, 'general_manager')) return true;
  return hasRole(caller, 'department_manager') && caller.departmentId === from.departmentId && caller.departmentId === to.departmentId;
}
