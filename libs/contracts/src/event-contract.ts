import type { z } from 'zod';
import type { ServiceName } from './service-registry';

/**
 * A versioned event contract. `type` is also the NATS subject: `crm.<service>.<entity>.<event>`.
 * A breaking payload change gets a new version (and a new contract), never an edit of this one.
 */
export interface EventContract<T extends string = string, S extends z.ZodType = z.ZodType> {
  type: T;
  version: `v${number}`;
  service: ServiceName;
  data: S;
}

export type EventData<C extends EventContract> = z.infer<C['data']>;

export function defineEvent<T extends string, S extends z.ZodType>(
  service: ServiceName,
  type: T,
  version: `v${number}`,
  data: S,
): EventContract<T, S> {
  if (!type.startsWith(`crm.${service}.`) || type.split('.').length !== 4) {
    throw new Error(`Event type ${type} must read crm.${service}.<entity>.<event>`);
  }
  return { type, version, service, data };
}

/** The JetStream stream that carries a service's events. */
export function streamFor(service: ServiceName): { name: string; subjects: string[] } {
  return { name: `CRM_${service.replace(/-/g, '_').toUpperCase()}`, subjects: [`crm.${service}.>`] };
}

/** Failed deliveries land here, one subject per consuming service and durable. */
export const deadLetterStream = { name: 'CRM_DEADLETTER', subjects: ['deadletter.>'] };
export function deadLetterSubject(service: ServiceName, durable: string): string {
  return `deadletter.${service}.${durable}`;
}
