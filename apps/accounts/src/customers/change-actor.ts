import { requiredActorRef, type ActorRecord } from '@crm/kernel';

/**
 * Who made a change of the history: a staff member or the platform. Besides `system:` ids, the archive records
 * the events of another service that name no user under `service:<source>` (classification's credit events).
 */
export function changeActor(by: string): ActorRecord {
  return by.startsWith('service:') ? { id: by, kind: 'SYSTEM' } : requiredActorRef(by);
}
