import type { Caller } from '@crm/auth';
import { assertRecordId, readDenied } from '@crm/customer-scope';
import { customerIdSchema, faultAnalysedV1, faultReportedV1 } from '@crm/contracts';
import { createEvent, StaleRevisionError, updateVersioned } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, parseInput, type Clock, type InputProblem } from '@crm/kernel';
import { isValidObjectId, Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { CustomerDirectory, CustomerScope } from '../customer-directory/customer-directory.service';
import type { TicketsService } from '../tickets/tickets.service';
import type { FaultAnalysisRecord, FaultReportRecord } from './fault-report.model';

const text = (max: number) => z.string().trim().min(1, 'is required').max(max);

const reportFaultInput = z
  .object({
    ticketId: z.string().nullish(),
    customerId: customerIdSchema.nullish(),
    // Fault reports are for major faults: a HIGH or CRITICAL severity.
    severity: z.enum(['HIGH', 'CRITICAL'], { message: 'fault reports are for major faults (HIGH or CRITICAL)' }),
    faultOccurredAt: z.coerce.date(),
    place: text(500),
    symptoms: text(4000),
    handlingPlan: text(4000),
    responsibleManagerId: z.string().trim().min(1).max(64).nullish(),
  })
  .refine((input) => input.ticketId || input.customerId, { message: 'give the ticket or the customer', path: ['customerId'] });

const faultAnalysisInput = z.object({
  id: z.string(),
  impact: text(4000),
  handling: text(4000),
  rootCause: text(4000),
  correctiveActions: z.array(text(1000)).min(1, 'name at least one corrective action'),
  preventiveActions: z.array(text(1000)).min(1, 'name at least one preventive action'),
});

/** Fault reports (故障报告): who hears of a major fault at once, and the analysis shared after it. */
export class FaultsService {
  constructor(
    private readonly reports: Model<FaultReportRecord>,
    private readonly tickets: TicketsService,
    private readonly directory: CustomerDirectory,
    private readonly businessDepartmentId: string,
    private readonly clock: Clock,
  ) {}

  /** Fault reports are read like their tickets, by staff only (rule table row `fault-report`). */
  private get access() {
    return this.tickets.access.forFaultReports();
  }

  async report(caller: Caller, rawInput: unknown): Promise<FaultReportRecord> {
    const input = parseInput(reportFaultInput, rawInput);
    const now = this.clock.now();
    // Every problem at once: the time of the fault and the customer are checked together.
    const problems: InputProblem[] = [];
    if (input.faultOccurredAt.getTime() > now.getTime()) problems.push({ field: 'input.faultOccurredAt', message: 'cannot be in the future' });
    let customerId = input.customerId ?? null;
    if (input.ticketId) {
      const ticket = await this.tickets.findVisible(caller, input.ticketId);
      if (!ticket) throw new NotFoundError('Ticket', input.ticketId);
      if (customerId && customerId !== ticket.customerId) problems.push({ field: 'input.customerId', message: 'is not the customer of the ticket' });
      customerId = ticket.customerId;
    }
    const customer = await this.directory.find(customerId!);
    if (!customer) problems.push({ field: 'input.customerId', message: 'no such customer (or accounts has not announced it yet)' });
    if (!customer || problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    if (!(await this.access.canHandle(caller, { customerId: customer._id }))) throw new ForbiddenError('You may not report faults for this customer');
    const _id = new Types.ObjectId();
    const record = {
      _id,
      ticketId: input.ticketId ?? null,
      customerId: customer._id,
      customerOwnerId: customer.ownerId,
      customerDepartmentId: customer.departmentId,
      scopeAsOf: customer.asOf,
      severity: input.severity,
      faultOccurredAt: input.faultOccurredAt,
      place: input.place,
      symptoms: input.symptoms,
      handlingPlan: input.handlingPlan,
      reportedBy: caller.userId,
      reportedAt: now,
      // "To the sales owner and the responsible manager at once": both are named on the event.
      recipients: [
        { role: 'SALES_OWNER' as const, userId: customer.ownerId, departmentId: customer.departmentId },
        { role: 'RESPONSIBLE_MANAGER' as const, userId: input.responsibleManagerId ?? null, departmentId: customer.departmentId },
      ],
      status: 'REPORTED' as const,
      analysis: null,
      revision: 0,
    };
    const event = createEvent(faultReportedV1, {
      subject: String(_id),
      actor: actorOf(caller),
      time: now,
      data: {
        faultReportId: String(_id),
        ticketId: record.ticketId,
        customerId: record.customerId,
        severity: record.severity,
        faultOccurredAt: record.faultOccurredAt.toISOString(),
        place: record.place,
        symptoms: record.symptoms,
        handlingPlan: record.handlingPlan,
        reportedBy: record.reportedBy,
        recipients: record.recipients,
        occurredAt: now.toISOString(),
      },
    });
    const created = await this.reports.create({ ...record, pendingEvents: [event] });
    return created.toObject();
  }

  async recordAnalysis(caller: Caller, rawInput: unknown): Promise<FaultReportRecord> {
    const { id, ...input } = parseInput(faultAnalysisInput, rawInput);
    const report = await this.findVisible(caller, id);
    if (!report) throw new NotFoundError('FaultReport', id);
    if (!(await this.access.canHandle(caller, report))) throw new ForbiddenError('You may read this fault report but not analyse it');
    if (report.status === 'ANALYSED') throw new ConflictError('The fault has already been analysed');
    const now = this.clock.now();
    const analysis: FaultAnalysisRecord = {
      ...input,
      analysedBy: caller.userId,
      analysedAt: now,
      // Shared with the customer and the business department.
      sharedWith: [
        { kind: 'CUSTOMER', id: report.customerId },
        { kind: 'BUSINESS_DEPARTMENT', id: this.businessDepartmentId },
      ],
    };
    const event = createEvent(faultAnalysedV1, {
      subject: id,
      actor: actorOf(caller),
      time: now,
      data: {
        faultReportId: id,
        ticketId: report.ticketId,
        customerId: report.customerId,
        severity: report.severity,
        impact: analysis.impact,
        handling: analysis.handling,
        rootCause: analysis.rootCause,
        correctiveActions: analysis.correctiveActions,
        preventiveActions: analysis.preventiveActions,
        analysedBy: analysis.analysedBy,
        sharedWith: analysis.sharedWith,
        occurredAt: now.toISOString(),
      },
    });
    try {
      return await updateVersioned(this.reports, report, { $set: { status: 'ANALYSED', analysis } }, [event]);
    } catch (error) {
      if (error instanceof StaleRevisionError) throw new ConflictError('The fault report was changed by someone else meanwhile; reload and try again');
      throw error;
    }
  }

  /** A customer handed over (or merged): its fault reports follow it. */
  async followCustomerScope(scope: CustomerScope): Promise<void> {
    const set = { customerOwnerId: scope.ownerId, customerDepartmentId: scope.departmentId, scopeAsOf: scope.asOf };
    if (scope.mergedFromId) await this.reports.updateMany({ customerId: scope.mergedFromId }, { $set: { ...set, customerId: scope.customerId } });
    await this.reports.updateMany({ customerId: scope.customerId, $or: [{ scopeAsOf: null }, { scopeAsOf: { $lte: scope.asOf } }] }, { $set: set });
  }

  /** `faultReport(id)`: the report, or the error the read rule gives (malformed, not found, or denied with the approval). */
  async getReadable(caller: Caller, id: string): Promise<FaultReportRecord> {
    assertRecordId(id);
    const report = await this.reports.findById(id).lean<FaultReportRecord>();
    if (!report) throw new NotFoundError('FaultReport', id);
    if (!(await this.access.canSee(caller, report))) throw readDenied(caller, 'FaultReport', id, { customerId: report.customerId, departmentId: report.customerDepartmentId }, { approvable: this.access.approvable(caller) });
    return report;
  }

  async findVisible(caller: Caller, id: string): Promise<FaultReportRecord | null> {
    if (!isValidObjectId(id)) return null;
    const report = await this.reports.findById(id).lean<FaultReportRecord>();
    return report && (await this.access.canSee(caller, report)) ? report : null;
  }

  async list(caller: Caller, filter: { customerId?: string | null; status?: string | null }): Promise<FaultReportRecord[]> {
    const criteria: Record<string, unknown>[] = [await this.access.filter(caller)];
    if (filter.customerId) criteria.push({ customerId: filter.customerId });
    if (filter.status) criteria.push({ status: filter.status });
    return this.reports.find({ $and: criteria }).sort({ reportedAt: -1 }).limit(200).lean<FaultReportRecord[]>().exec();
  }

  /** The caller's visible fault reports of a batch of tickets: one query per batch. */
  async visibleForTickets(caller: Caller, ticketIds: readonly string[]): Promise<FaultReportRecord[]> {
    return this.reports
      .find({ $and: [{ ticketId: { $in: [...ticketIds] } }, await this.access.filter(caller)] })
      .sort({ reportedAt: -1 })
      .lean<FaultReportRecord[]>()
      .exec();
  }
}
