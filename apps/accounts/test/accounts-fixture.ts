import type { EventContract, EventData } from '@crm/contracts';
import { createEvent, encodeEvent } from '@crm/events';
import { fixedClock, type RunningService } from '@crm/kernel';
import { eventsOnStream, graphql, testServiceEnv, tokenFor, type GraphQLResponse, type StoredEvent } from '@crm/testing';
import { accountsService } from '../src/accounts.service';
import { refusal, USER_ERRORS, userErrorsOf, type UserErrorAnswer } from './mutation-payloads';

export { USER_ERRORS, type UserErrorAnswer } from './mutation-payloads';

/** Monday 2025-03-03 09:00 in Shanghai (the default working-calendar zone). */
export const MONDAY_9AM = '2025-03-03T01:00:00.000Z';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface AccountsWorldOptions {
  /** Start the clock here (an injected fixed clock); default MONDAY_9AM. */
  at?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * A running accounts subgraph on a fresh database with an injected clock: East (Alice, Bob and their manager),
 * West (Carol, Dan and their manager), the general manager, marketing (the archive keepers), finance,
 * technical staff, a service agent and a partner portal.
 */
export async function startAccountsWorld(options: AccountsWorldOptions = {}) {
  const clock = fixedClock(options.at ?? MONDAY_9AM);
  const service = await accountsService.start({ env: testServiceEnv('accounts', { PERSONAL_DATA_AUDIT_FLUSH_MS: '20', ...options.env }), clock });
  const tokens = {
    gm: await tokenFor({ sub: 'gm-1', roles: ['general_manager'] }),
    alice: await tokenFor({ sub: 'alice', roles: ['consultant'], department_id: 'D-EAST' }),
    bob: await tokenFor({ sub: 'bob', roles: ['consultant'], department_id: 'D-EAST' }),
    carol: await tokenFor({ sub: 'carol', roles: ['consultant'], department_id: 'D-WEST' }),
    dan: await tokenFor({ sub: 'dan', roles: ['consultant'], department_id: 'D-WEST' }),
    eastManager: await tokenFor({ sub: 'mgr-east', roles: ['department_manager'], department_id: 'D-EAST' }),
    westManager: await tokenFor({ sub: 'mgr-west', roles: ['department_manager'], department_id: 'D-WEST' }),
    marketing: await tokenFor({ sub: 'mkt-1', roles: ['marketing'] }),
    finance: await tokenFor({ sub: 'fin-1', roles: ['finance'] }),
    technical: await tokenFor({ sub: 'tech-1', roles: ['technical_staff'] }),
    agent: await tokenFor({ sub: 'agent-1', roles: ['service_agent'] }),
    partner: await tokenFor({ sub: 'portal-p1', roles: ['partner'], partner_id: 'P-1' }),
  };
  const call = (query: string, variables: Record<string, unknown>, token: string): Promise<GraphQLResponse> => graphql(service.url, query, variables, token);
  /** A read that may be refused by the read rule: the data, after checking every error is a denial code. */
  const read = async (query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> => {
    const res = await call(query, variables, token);
    const unexpected = (res.errors ?? []).filter((e) => !['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT'].includes(e.extensions?.code));
    if (unexpected.length > 0) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(unexpected)}`);
    return res.data!;
  };
  /** The data of an operation that must succeed: no error, and no user error in a mutation's payload. */
  const ok = async (query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> => {
    const res = await call(query, variables, token);
    if (res.errors) throw new Error(`${query.slice(0, 70)}…: ${JSON.stringify(res.errors)}`);
    const userErrors = userErrorsOf(res.data);
    if (userErrors.length > 0) throw new Error(`${query.slice(0, 70)}…: user errors ${JSON.stringify(userErrors)}`);
    return res.data!;
  };
  /**
   * The user errors of a mutation refused for what the caller can fix (its record null, nothing written, no
   * event published: see `refusal`).
   */
  const refused = (query: string, variables: Record<string, unknown>, token: string): Promise<UserErrorAnswer[]> => refusal(service, () => call(query, variables, token));
  /** The first top-level error of an operation that must fail (authentication, permission). */
  const fails = async (query: string, variables: Record<string, unknown>, token: string): Promise<{ message: string; extensions?: Record<string, any> }> => {
    const res = await call(query, variables, token);
    if (!res.errors?.length) throw new Error(`expected an error from ${query.slice(0, 70)}…, got ${JSON.stringify(res.data)}`);
    return res.errors[0];
  };

  for (const [id, name] of [['D-EAST', 'East sales'], ['D-WEST', 'West sales']]) {
    await ok(`mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { department { id } ${USER_ERRORS} } }`, { i: { id, name } }, tokens.gm);
  }
  for (const [id, name, departmentId] of [['alice', 'Alice Wang', 'D-EAST'], ['bob', 'Bob Li', 'D-EAST'], ['carol', 'Carol Zhao', 'D-WEST'], ['dan', 'Dan Sun', 'D-WEST']]) {
    await ok(`mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } ${USER_ERRORS} } }`, { i: { id, name, departmentId } }, tokens.gm);
  }

  let created = 0;
  /** Create a customer (as the general manager unless `token` is given); returns its id. */
  const customer = async (input: Record<string, unknown> = {}, token = tokens.gm): Promise<string> => {
    created += 1;
    const data = await ok(
      `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`,
      { i: { name: `Customer ${created} ${Math.random().toString(36).slice(2, 8)}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'alice', ...input } },
      token,
    );
    return data.createCustomer.customer.id;
  };

  /** Events of one type (about one entity) on a service's stream, after the outbox was flushed. */
  const events = async (contract: EventContract, subject?: string): Promise<StoredEvent[]> => {
    await service.flushOutbox();
    return eventsOnStream(service.bus.jsm, `CRM_${contract.service.replace(/-/g, '_').toUpperCase()}`, contract.type, subject);
  };

  /** Publish an event as another service would (e.g. credit), straight onto its stream. */
  const publish = async <C extends EventContract>(contract: C, subject: string, data: EventData<C>, time?: Date): Promise<void> => {
    const event = createEvent(contract, { subject, data, actor: { userId: `svc-${contract.service}`, roles: ['internal_app'] }, time });
    await service.bus.js.publish(contract.type, encodeEvent(event), { msgID: event.id });
  };

  return { service, clock, tokens, call, ok, read, fails, refused, customer, events, publish };
}
export type AccountsWorld = Awaited<ReturnType<typeof startAccountsWorld>>;

export { eventually } from '@crm/testing';

/** A running accounts subgraph on a fresh database, with one department and two consultants. */
export async function startAccounts(): Promise<{ service: RunningService; gm: string; alice: string; bob: string; manager: string }> {
  const service = await accountsService.start({ env: testServiceEnv('accounts') });
  const gm = await tokenFor({ sub: 'gm-1', roles: ['general_manager'] });
  const alice = await tokenFor({ sub: 'alice', roles: ['consultant'], department_id: 'D-EAST' });
  const bob = await tokenFor({ sub: 'bob', roles: ['consultant'], department_id: 'D-EAST' });
  const manager = await tokenFor({ sub: 'mgr-east', roles: ['department_manager'], department_id: 'D-EAST' });
  const setUp = async (query: string, variables: Record<string, unknown>) => {
    const res = await graphql(service.url, query, variables, gm);
    if (res.errors || userErrorsOf(res.data).length > 0) throw new Error(`setting up accounts failed: ${JSON.stringify(res)}`);
  };
  await setUp(`mutation { upsertDepartment(input: {id: "D-EAST", name: "East sales"}) { department { id } ${USER_ERRORS} } }`, {});
  for (const [id, name] of [['alice', 'Alice Wang'], ['bob', 'Bob Li']]) {
    await setUp(`mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } ${USER_ERRORS} } }`, { i: { id, name, departmentId: 'D-EAST' } });
  }
  return { service, gm, alice, bob, manager };
}
