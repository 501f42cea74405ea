import * as contracts from '@crm/contracts';
import { streamFor, type EventContract } from '@crm/contracts';

/** Every complaint lifecycle event service-desk publishes: `crm.service-desk.complaint.<type>`. */
export const COMPLAINT_SUBJECTS = 'crm.service-desk.complaint.>';
export const COMPLAINT_STREAM = streamFor('service-desk');

const SUBJECT_PREFIX = 'crm.service-desk.complaint.';

/**
 * The event types a subscriber may filter on (`opened`, `transferred`, `sla-breached`…), read from the contracts in
 * libs/contracts so the gateway learns a new one with the contract, never from a list of its own.
 */
export const knownComplaintEventTypes: ReadonlySet<string> = new Set(
  Object.values(contracts as Record<string, unknown>)
    .filter(isEventContract)
    .filter((contract) => contract.type.startsWith(SUBJECT_PREFIX))
    .map((contract) => complaintEventType(contract.type)),
);

/** `crm.service-desk.complaint.sla-breached` → `sla-breached`. */
export function complaintEventType(subject: string): string {
  return subject.slice(SUBJECT_PREFIX.length);
}

function isEventContract(value: unknown): value is EventContract {
  const candidate = value as Partial<EventContract> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.type === 'string' && typeof candidate.service === 'string' && 'data' in candidate;
}
