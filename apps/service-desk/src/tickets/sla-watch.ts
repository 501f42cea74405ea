import type { Clock } from '@crm/kernel';
import type { Logger } from 'pino';
import type { SlaPolicyService } from '../sla/sla-policies.service';
import { policyInEffect } from '../sla/sla-policy-rules';
import { merge, policyChange, slaWatchChange, type ChangeContext, type TicketChange } from './ticket-lifecycle';
import { openTicketStatuses, type TicketRecord } from './ticket.model';
import type { TicketsService } from './tickets.service';

export interface SlaWatchSummary {
  examined: number;
  nearBreaches: number;
  breaches: number;
  escalations: number;
  /** Tickets whose due times moved (policy or calendar changed) or that moved to a newer policy version. */
  recomputed: number;
  /** Tickets changed by someone else during the pass; the next pass looks at them again. */
  skipped: number;
  at: Date;
}

/**
 * The SLA watch: looks at every ticket whose clocks may still run, records near-breaches and breaches as
 * they happen (history + events), escalates one rung at a time, and keeps the shown due times current when
 * a policy version or the holiday calendar changes. Runs as a kernel job and on demand.
 */
export class SlaWatch {
  private running?: Promise<SlaWatchSummary>;

  constructor(
    private readonly tickets: TicketsService,
    private readonly policies: SlaPolicyService,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** One pass at `now`; concurrent callers share the pass in flight. */
  run(now: Date = this.clock.now()): Promise<SlaWatchSummary> {
    this.running ??= this.pass(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(now: Date): Promise<SlaWatchSummary> {
    const summary: SlaWatchSummary = { examined: 0, nearBreaches: 0, breaches: 0, escalations: 0, recomputed: 0, skipped: 0, at: now };
    const policies = await this.policies.all();
    // On-call lookups are the same for every ticket of a department during one pass.
    const contexts = new Map<string, Promise<ChangeContext>>();
    const contextFor = (ticket: TicketRecord) => {
      let context = contexts.get(ticket.customerDepartmentId);
      if (!context) {
        context = this.tickets.changeContext(ticket, this.tickets.systemActor.userId, now);
        contexts.set(ticket.customerDepartmentId, context);
      }
      return context;
    };
    const cursor = this.tickets.model.find({ status: { $in: openTicketStatuses } }).lean<TicketRecord[]>().cursor();
    for await (const doc of cursor) {
      const ticket = doc as unknown as TicketRecord;
      summary.examined += 1;
      const ctx = await contextFor(ticket);
      let change: TicketChange | null = null;
      let current = ticket;
      const inEffect = policyInEffect(policies, ticket.openedAt) ?? policies[0];
      if (inEffect && inEffect.version !== ticket.slaPolicyVersion) {
        change = policyChange(ticket, { id: String(inEffect._id), version: inEffect.version }, ctx);
        current = { ...ticket, slaPolicyId: String(inEffect._id), slaPolicyVersion: inEffect.version };
      }
      const clocks = await this.tickets.clocks(current, now);
      const found = slaWatchChange(current, [clocks.firstResponse, clocks.resolution], clocks.policy.generalManagerAfterOverdueMinutes, ctx, { id: String(clocks.policy._id), version: clocks.policy.version });
      if (found) change = change ? merge(change, found) : found;
      const due = await this.tickets.dueTimes(current, now);
      const dueMoved = due.promisedReplyBy.getTime() !== ticket.promisedReplyBy.getTime() || (due.resolutionDueAt?.getTime() ?? null) !== (ticket.resolutionDueAt ? new Date(ticket.resolutionDueAt).getTime() : null);
      if (!change && !dueMoved) continue;
      const saved = await this.tickets.commit(ticket, change ?? { set: {}, entries: [], transfers: [], escalations: [], slaAlerts: [] }, this.tickets.systemActor, now);
      if (!saved) {
        summary.skipped += 1;
        continue;
      }
      if (dueMoved || current !== ticket) summary.recomputed += 1;
      for (const alert of change?.slaAlerts ?? []) {
        if (alert.kind === 'BREACHED') summary.breaches += 1;
        else summary.nearBreaches += 1;
      }
      summary.escalations += change?.escalations.length ?? 0;
    }
    if (summary.breaches + summary.nearBreaches + summary.escalations > 0) this.logger.info(summary, 'SLA watch recorded findings');
    return summary;
  }
}
