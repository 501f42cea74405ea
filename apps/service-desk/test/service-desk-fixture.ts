import { customerCreatedV1, streamFor } from '@crm/contracts';
import { createEvent, encodeEvent, ensureStream } from '@crm/events';
import { fixedClock, type RunningService } from '@crm/kernel';
import { graphql, PROJECTION_WAIT_MS, testServiceEnv, tokenFor, type StoredEvent } from '@crm/testing';
import { Types } from 'mongoose';
import { serviceDeskService } from '../src/service-desk.service';

export type TestClock = ReturnType<typeof fixedClock>;

const firstSequence = new Map<RunningService, number>();

/** Shanghai wall-clock time (UTC+8, the default working calendar's zone). */
export const cst = (wallClock: string) => new Date(`${wallClock}+08:00`);

/**
 * A running service-desk on a fresh database with an injected clock. The scheduled jobs are slowed down so
 * tests drive the SLA watch and the report runner themselves (runSlaWatch, a request's kick).
 */
export async function startServiceDesk(start: Date, env: NodeJS.ProcessEnv = {}): Promise<{ service: RunningService; clock: TestClock }> {
  const clock = fixedClock(start);
  const service = await serviceDeskService.start({
    env: testServiceEnv('service-desk', { SLA_WATCH_INTERVAL_MS: '3600000', REPORT_RUNNER_INTERVAL_MS: '3600000', BUSINESS_DEPARTMENT_ID: 'D-BUSINESS', ...env }),
    clock,
  });
  // The stream is shared with every other test on this NATS: read only what was published after this start.
  firstSequence.set(service, (await service.bus.jsm.streams.info(streamFor('service-desk').name)).state.last_seq + 1);
  return { service, clock };
}

export const tokens = {
  agent: () => tokenFor({ sub: 'agent-7', roles: ['service_agent'] }),
  tech: () => tokenFor({ sub: 'tech-2', roles: ['technical_staff'] }),
  gm: () => tokenFor({ sub: 'gm-1', roles: ['general_manager'] }),
  eastManager: () => tokenFor({ sub: 'mgr-east', roles: ['department_manager'], department_id: 'D-EAST' }),
  westManager: () => tokenFor({ sub: 'mgr-west', roles: ['department_manager'], department_id: 'D-WEST' }),
  alice: () => tokenFor({ sub: 'alice', roles: ['consultant'], department_id: 'D-EAST' }),
  bob: () => tokenFor({ sub: 'bob', roles: ['consultant'], department_id: 'D-EAST' }),
  partner: () => tokenFor({ sub: 'p', roles: ['partner'], partner_id: 'P-1' }),
  app: () => tokenFor({ sub: 'complaint-board', roles: ['internal_app'] }),
};

/** Announce a customer the way accounts does: a real event on the real stream; waits until service-desk knows it. */
export async function announceCustomer(service: RunningService, options: { owner?: string; department?: string; importance?: 'KEY' | 'GENERAL'; assignedStaffIds?: string[]; partnerIds?: string[] } = {}): Promise<string> {
  const { owner = 'alice', department = 'D-EAST', importance, assignedStaffIds, partnerIds } = options;
  const id = new Types.ObjectId().toHexString();
  const customer = { id, name: `Customer ${id.slice(-4)}`, kind: 'ORGANISATION' as const, lifecycle: 'ACTIVE', ownerConsultantId: owner, departmentId: department, region: null, ...(importance ? { importance } : {}), ...(assignedStaffIds ? { assignedStaffIds } : {}), ...(partnerIds ? { partnerIds } : {}) };
  const event = createEvent(customerCreatedV1, { subject: id, actor: { userId: owner, roles: ['consultant'] }, data: { customer } });
  await ensureStream(service.bus.jsm, streamFor('accounts'));
  await service.bus.js.publish(event.type, encodeEvent(event), { msgID: event.id });
  const deadline = Date.now() + PROJECTION_WAIT_MS;
  while (Date.now() < deadline) {
    // Both copies: the directory (tickets open for known customers) and the scope (who reads them).
    const known = await service.connection.collection('known_customers').findOne({ _id: id as never });
    if (known && (await service.connection.collection('customer_scopes').findOne({ _id: id as never }))) return id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('service-desk never learned about the customer');
}

export const complaint = (customerId: string, overrides: Record<string, unknown> = {}) => ({
  customerId,
  type: 'COMPLAINT',
  channel: 'HOTLINE',
  severity: 'HIGH',
  matter: 'Delivered pump leaks',
  complainant: { name: 'Zhang San', contact: '13800000000' },
  product: 'P-100 pump',
  ...overrides,
});

export const TICKET_FIELDS = `id type status severity firstResponder { id kind staffMember { id } } assigneeId assigneeRole handlingRound escalationLevel openedAt promisedReplyBy resolutionDueAt
  firstRespondedAt satisfactionConfirmedAt closedAt cause resolution { summary atOnce resolvedBy { id kind } }
  transfers { fromUserId toUserId toRole reason transferredBy { id kind } }
  escalations { level previousLevel reason clock onCallUserId }
  history { seq kind actor { id kind } fromStatus toStatus note detailsJson }
  sla { id policyVersion importance businessHoursOnly firstResponse { id status dueAt round } resolution { id status dueAt round startedAt } }`;

/** What every payload is asked for next to its record. */
export const USER_ERRORS = 'userErrors { field code message }';

/**
 * Call GraphQL and fail loudly on errors, and on a payload's userErrors (the tests that expect either call
 * graphql() directly).
 */
export async function ok<T = Record<string, any>>(service: RunningService, query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const res = await graphql<T>(service.url, query, variables, token);
  if (res.errors?.length) throw new Error(res.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; '));
  const userErrors = Object.values(res.data ?? {}).flatMap((answer) => (answer as { userErrors?: { code: string; message: string }[] } | null)?.userErrors ?? []);
  if (userErrors.length) throw new Error(userErrors.map((e) => `${e.code}: ${e.message}`).join('; '));
  return res.data as T;
}

export interface UserErrorAnswer {
  field: string[] | null;
  code: string;
  message: string;
}

/** Root mutation fields as answered: each a payload (its record and userErrors), or null with a top-level error. */
export type Payloads = Record<string, ({ userErrors: UserErrorAnswer[] } & Record<string, unknown>) | null>;

/**
 * The user errors of a mutation refused for what the caller can fix: no top-level error, the payload's record
 * null, at least one user error.
 */
export function refusal(res: { data?: unknown; errors?: readonly unknown[] }, mutation: string, record: string): UserErrorAnswer[] {
  expect(res.errors).toBeUndefined();
  const payload = (res.data as Payloads | null | undefined)?.[mutation];
  expect(payload?.[record]).toBeNull();
  expect(payload?.userErrors.length).toBeGreaterThan(0);
  return payload!.userErrors;
}

const inputTypeOf = (mutation: string) => `${mutation[0].toUpperCase()}${mutation.slice(1)}Input!`;

export async function openTicket(service: RunningService, input: Record<string, unknown>, token: string): Promise<any> {
  const data = await ok(service, `mutation($input: OpenTicketInput!) { openTicket(input: $input) { ticket { ${TICKET_FIELDS} } ${USER_ERRORS} } }`, { input }, token);
  return data.openTicket.ticket;
}

/** Run a ticket mutation with `input: <Mutation>Input!` as given, answering the raw response (payload or errors). */
export function attempt(service: RunningService, mutation: string, input: Record<string, unknown>, token: string, fields = 'id status') {
  return graphql<Payloads>(service.url, `mutation($input: ${inputTypeOf(mutation)}) { ${mutation}(input: $input) { ticket { ${fields} } ${USER_ERRORS} } }`, { input }, token);
}

/** Run one handling mutation on a ticket (`input: {id, ...args}`) and return the ticket; fails on any error. */
export async function act(service: RunningService, mutation: string, id: string, token: string, args: Record<string, unknown> = {}): Promise<any> {
  const data = await ok(service, `mutation($input: ${inputTypeOf(mutation)}) { ${mutation}(input: $input) { ticket { ${TICKET_FIELDS} } ${USER_ERRORS} } }`, { input: { id, ...args } }, token);
  return data[mutation].ticket;
}

/** Events of one type about one entity, as the stream holds them (after flushing the outbox), oldest first. */
export function published(service: RunningService, type: string, subject: string): Promise<StoredEvent[]> {
  return publishedWhere(service, type, (event) => event.subject === subject);
}

/** Events of one type this service published since it started that match a test (after flushing the outbox), oldest first. */
export async function publishedWhere(service: RunningService, type: string, matches: (event: StoredEvent) => boolean): Promise<StoredEvent[]> {
  await service.flushOutbox();
  const stream = streamFor('service-desk').name;
  const { state } = await service.bus.jsm.streams.info(stream);
  const found: StoredEvent[] = [];
  const BATCH = 64;
  for (let from = Math.max(firstSequence.get(service) ?? state.first_seq, state.first_seq); from <= state.last_seq; from += BATCH) {
    const sequences = Array.from({ length: Math.min(BATCH, state.last_seq - from + 1) }, (_, i) => from + i);
    const messages = await Promise.all(sequences.map((seq) => service.bus.jsm.streams.getMessage(stream, { seq }).catch(() => null)));
    for (const msg of messages) {
      if (!msg || msg.subject !== type) continue;
      const event = JSON.parse(Buffer.from(msg.data).toString('utf8')) as StoredEvent;
      if (matches(event)) found.push(event);
    }
  }
  return found;
}
