import { streamFor, type EventContract } from '@crm/contracts';
import { createEvent, encodeEvent, ensureStream } from '@crm/events';
import { fixedClock, type RunningService } from '@crm/kernel';
import { eventsAboutCustomer, eventsOnStream, graphql, testServiceEnv, tokenFor, type StoredEvent } from '@crm/testing';
import { randomBytes } from 'node:crypto';
import { engagementService } from '../src/engagement.service';

/** Shared set-up of engagement's integration tests: a service on a fixed clock, tokens, and event reads. */

export const stream = streamFor('engagement').name;

// Other test files share NATS (grants among accounts' events): unique user ids keep each file's people its own.
export const RUN = randomBytes(3).toString('hex');
export const user = (name: string) => `${name}-${RUN}`;

export type FixedClock = ReturnType<typeof fixedClock>;

export async function startEngagement(at: string, env: NodeJS.ProcessEnv = {}): Promise<{ service: RunningService; clock: FixedClock }> {
  const clock = fixedClock(at);
  const service = await engagementService.start({ env: testServiceEnv('engagement', env), clock });
  return { service, clock };
}

export async function staffTokens() {
  return {
    alice: await tokenFor({ sub: user('alice'), roles: ['consultant'], department_id: 'D-EAST' }),
    bob: await tokenFor({ sub: user('bob'), roles: ['consultant'], department_id: 'D-EAST' }),
    east: await tokenFor({ sub: user('mgr-east'), roles: ['department_manager'], department_id: 'D-EAST' }),
    west: await tokenFor({ sub: user('mgr-west'), roles: ['department_manager'], department_id: 'D-WEST' }),
    carl: await tokenFor({ sub: user('carl'), roles: ['consultant'], department_id: 'D-WEST' }),
    gm: await tokenFor({ sub: user('gm'), roles: ['general_manager'] }),
    coordinator: await tokenFor({ sub: user('coordinator'), roles: ['coordinator'] }),
    partner: await tokenFor({ sub: user('portal'), roles: ['partner'], partner_id: 'P-9' }),
  };
}

/** The data of an operation that must succeed without errors. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely, as @crm/testing graphql does
export async function ok<T = Record<string, any>>(service: RunningService, query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const res = await graphql<T>(service.url, query, variables, token);
  if (res.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
  return res.data as T;
}

/** A mutation's payload that must succeed: no errors, no user errors; returns the payload. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
export async function okPayload<T = Record<string, any>>(service: RunningService, query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const data = await ok(service, query, variables, token);
  const payload = Object.values(data)[0] as T & { userErrors: unknown[] };
  if (payload.userErrors.length > 0) throw new Error(`unexpected user errors: ${JSON.stringify(payload.userErrors)}`);
  return payload;
}

export async function eventsOf(service: RunningService, type: string, subject?: string): Promise<StoredEvent[]> {
  await service.flushOutbox();
  return eventsOnStream(service.bus.jsm, stream, type, subject);
}

export async function eventsAbout(service: RunningService, customerId: string): Promise<StoredEvent[]> {
  await service.flushOutbox();
  return eventsAboutCustomer(service.bus.jsm, stream, customerId);
}

/** Publish another service's event the way it does: a real event on its real stream. */
export async function publishForeign(service: RunningService, contract: EventContract, subject: string, data: unknown, options: { id?: string; time?: Date } = {}): Promise<string> {
  const event = { ...createEvent(contract, { subject, actor: { userId: `${contract.service}-test`, roles: ['internal_app'] }, data: data as never, time: options.time }), ...(options.id ? { id: options.id } : {}) };
  await ensureStream(service.bus.jsm, streamFor(contract.service));
  await service.bus.js.publish(event.type, encodeEvent(event), { msgID: `${event.id}:${randomBytes(3).toString('hex')}` });
  return event.id;
}

/** credit's order.delivered for a customer, as credit publishes it. */
export function orderDelivered(customerId: string, overrides: Record<string, unknown> = {}) {
  const amount = { amountMinor: 1_250_000, currency: 'CNY' };
  return {
    orderId: `O-${randomBytes(4).toString('hex')}`,
    customerId,
    consultantId: user('alice'),
    departmentId: 'D-EAST',
    region: null,
    eventId: null,
    lines: [{ product: 'Pump P-300', quantity: 5, unitPrice: { amountMinor: 250_000, currency: 'CNY' }, amount }],
    amount,
    deliveredAt: '2025-01-15T02:00:00Z',
    ...overrides,
  };
}
