import type { badCustomerCaseClosedV1, badCustomerCaseOpenedV1, EventData } from '@crm/contracts';
import type { CloudEvent, EventActor } from '@crm/events';
import type { Logger } from '@crm/kernel';
import type { ChangeEntry, CustomerStore } from '../customers/customer-store';
import { decideBadCustomerCase, endsRelationship, type BadCustomerCaseNews } from './bad-customer-case-rules';

/** Who moved the lifecycle when credit's event names no user. */
export const CREDIT_ACTOR = 'system:credit';

/** The customer's lifecycle from credit's bad-customer cases: BAD when one opens, REMOVED when one ends the relationship. */
export class BadCustomerCasesService {
  constructor(
    private readonly store: CustomerStore,
    private readonly logger: Logger,
  ) {}

  /** crm.credit.bad-customer-case.opened: the customer becomes BAD. */
  applyOpened(event: CloudEvent<EventData<typeof badCustomerCaseOpenedV1>>): Promise<void> {
    const { caseId, customerId, criteria, openedAt } = event.data;
    const reason = `bad-customer case ${caseId} opened in credit: ${criteria.map((c) => c.rule).join(', ')}`;
    return this.apply(customerId, event, { kind: 'OPENED', caseId, at: new Date(openedAt) }, reason);
  }

  /** crm.credit.bad-customer-case.closed: REMOVED when the case ended the relationship; otherwise the lifecycle stays. */
  applyClosed(event: CloudEvent<EventData<typeof badCustomerCaseClosedV1>>): Promise<void> {
    const { caseId, customerId, closedAt } = event.data;
    const relationshipEnded = endsRelationship(event.data);
    const reason = `bad-customer case ${caseId} closed in credit${relationshipEnded ? ': the relationship ended' : ''}`;
    return this.apply(customerId, event, { kind: 'CLOSED', caseId, relationshipEnded, at: new Date(closedAt) }, reason);
  }

  private async apply(customerId: string, event: CloudEvent, news: BadCustomerCaseNews, reason: string): Promise<void> {
    // A merged customer's cases belong to its survivor.
    const customer = await this.store.find(customerId);
    if (!customer) {
      this.logger.warn({ customerId, eventId: event.id, type: event.type }, 'bad-customer case of a customer accounts does not know; ignored');
      return;
    }
    await this.store.modify(customer._id, actorOfCreditEvent(event), (current) => {
      const decision = decideBadCustomerCase({ lifecycle: current.lifecycle, cases: current.badCustomerCases ?? [] }, news);
      if (!decision) return null;
      const changes: ChangeEntry[] = [];
      let lifecycle = current.lifecycle;
      for (const next of decision.moves) {
        changes.push({ field: 'lifecycle', before: lifecycle, after: next });
        lifecycle = next;
      }
      const before = current.badCustomerCases?.find((c) => c.caseId === news.caseId)?.status ?? null;
      changes.push({ field: 'badCustomerCase', before, after: { caseId: news.caseId, status: news.kind === 'OPENED' ? 'OPEN' : 'CLOSED', reason, ...(decision.refused ? { lifecycleKept: decision.refused } : {}) } });
      if (decision.refused) this.logger.warn({ customerId: String(current._id), caseId: news.caseId, eventId: event.id }, `bad-customer case: ${decision.refused}; the lifecycle stays`);
      return { set: { badCustomerCases: decision.cases, ...(decision.moves.length > 0 ? { lifecycle } : {}) }, changes };
    });
  }
}

/** The user credit names on the event (finance opening or closing the case), or credit itself. */
export function actorOfCreditEvent(event: CloudEvent): EventActor {
  return event.actorid ? { userId: event.actorid, roles: event.actorroles ? event.actorroles.split(' ') : [] } : { userId: CREDIT_ACTOR, roles: [] };
}
