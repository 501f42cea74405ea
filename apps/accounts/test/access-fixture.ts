import { fixedClock } from '@crm/kernel';
import { graphql, testServiceEnv, tokenFor, type GraphQLResponse, eventually as retryUntil } from '@crm/testing';
import type { mongo } from 'mongoose';
import { accountsService } from '../src/accounts.service';
import { refusal, USER_ERRORS, userErrorsOf, type UserErrorAnswer } from './mutation-payloads';

export const START = '2025-03-03T09:00:00.000Z';
export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;

/**
 * A running accounts subgraph on a fresh database with an injected clock: two departments (East: Alice and
 * Bob, West: Carol), their managers, the general manager, a service agent and two partner portals.
 */
export async function startAccessWorld(env: NodeJS.ProcessEnv = {}) {
  const clock = fixedClock(START);
  const service = await accountsService.start({
    env: testServiceEnv('accounts', { MONGO_MONITOR_COMMANDS: 'true', PERSONAL_DATA_AUDIT_FLUSH_MS: '20', ...env }),
    clock,
  });
  const tokens = {
    gm: await tokenFor({ sub: 'gm-1', roles: ['general_manager'] }),
    alice: await tokenFor({ sub: 'alice', roles: ['consultant'], department_id: 'D-EAST' }),
    bob: await tokenFor({ sub: 'bob', roles: ['consultant'], department_id: 'D-EAST' }),
    carol: await tokenFor({ sub: 'carol', roles: ['consultant'], department_id: 'D-WEST' }),
    eastManager: await tokenFor({ sub: 'mgr-east', roles: ['department_manager'], department_id: 'D-EAST' }),
    westManager: await tokenFor({ sub: 'mgr-west', roles: ['department_manager'], department_id: 'D-WEST' }),
    agent: await tokenFor({ sub: 'agent-1', roles: ['service_agent'] }),
    partner: await tokenFor({ sub: 'portal-p1', roles: ['partner'], partner_id: 'P-1' }),
    otherPartner: await tokenFor({ sub: 'portal-p2', roles: ['partner'], partner_id: 'P-2' }),
  };
  const call = async (query: string, variables: Record<string, unknown>, token: string, headers: Record<string, string> = {}): Promise<GraphQLResponse> =>
    graphql(service.url, query, variables, token, headers);
  /** A read that may be refused by the read rule: the data, after checking every error is a denial code. */
  const read = async (query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> => {
    const res = await call(query, variables, token);
    const unexpected = (res.errors ?? []).filter((e) => !['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT'].includes(e.extensions?.code));
    if (unexpected.length > 0) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(unexpected)}`);
    return res.data!;
  };
  /** The data of an operation that must succeed: no error, and no user error in a mutation's payload. */
  const ok = async (query: string, variables: Record<string, unknown>, token: string, headers: Record<string, string> = {}): Promise<Record<string, any>> => {
    const res = await call(query, variables, token, headers);
    if (res.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(res.errors)}`);
    const userErrors = userErrorsOf(res.data);
    if (userErrors.length > 0) throw new Error(`${query.slice(0, 60)}…: user errors ${JSON.stringify(userErrors)}`);
    return res.data!;
  };
  /** The user errors of a mutation refused for what the caller can fix (its record null, nothing written, no event published). */
  const refused = (query: string, variables: Record<string, unknown>, token: string): Promise<UserErrorAnswer[]> => refusal(service, () => call(query, variables, token));

  for (const [id, name] of [['D-EAST', 'East sales'], ['D-WEST', 'West sales']]) {
    await ok(`mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { department { id } ${USER_ERRORS} } }`, { i: { id, name } }, tokens.gm);
  }
  for (const [id, name, departmentId] of [['alice', 'Alice Wang', 'D-EAST'], ['bob', 'Bob Li', 'D-EAST'], ['carol', 'Carol Zhao', 'D-WEST']]) {
    await ok(`mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } ${USER_ERRORS} } }`, { i: { id, name, departmentId } }, tokens.gm);
  }

  let created = 0;
  /** A customer with personal contact data, created by the general manager for `ownerId`. */
  const customer = async (ownerId: string, extra: Record<string, unknown> = {}): Promise<string> => {
    created += 1;
    const input = {
      name: `${ownerId} customer ${created}`,
      kind: 'ORGANISATION',
      listType: 'ENTERPRISE',
      ownerId,
      contacts: [{ name: `Contact ${created}`, phone: `1380013${String(8000 + created).padStart(4, '0')}`, email: `contact${created}@example.com`, decisionMaker: true }],
      ...extra,
    };
    const data = await ok(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`, { i: input }, tokens.gm);
    return data.createCustomer.customer.id;
  };

  /** Ask for access as `token` and have `approver` approve it; returns the request id. */
  const grant = async (token: string, scope: Record<string, unknown>, approver: string, expiresInMs = 2 * DAY): Promise<string> => {
    const expiresAt = new Date(clock.now().getTime() + expiresInMs).toISOString();
    const asked = await ok(REQUEST_ACCESS, { i: { scope, reason: 'covering during leave', expiresAt } }, token);
    const id = asked.requestCustomerAccess.accessRequest.id;
    await ok(APPROVE, { i: { id } }, approver);
    return id;
  };

  /** Every command the accounts service sends to Mongo from now until `stop()`. */
  const recordCommands = () => {
    const commands: mongo.CommandStartedEvent[] = [];
    const client = service.connection.getClient();
    const listener = (event: mongo.CommandStartedEvent) => void commands.push(event);
    client.on('commandStarted', listener);
    return { commands, stop: () => void client.off('commandStarted', listener) };
  };

  return { service, clock, tokens, call, ok, read, refused, customer, grant, recordCommands };
}

export type AccessWorld = Awaited<ReturnType<typeof startAccessWorld>>;

/** An actor as the tests read it: its id, kind and the consultant behind it. */
export const ACTOR = '{ id kind staffMember { id name } }';

export const REQUEST_ACCESS = `mutation($i: RequestCustomerAccessInput!) { requestCustomerAccess(input: $i) { accessRequest {
  id requestedBy ${ACTOR} status reason requestedExpiresAt expiresAt approverRole approverDepartment { id } requesterDepartment { id }
  scope { kind customerId consultant { id } department { id } } createdAt } ${USER_ERRORS} } }`;
export const APPROVE = `mutation($i: ApproveAccessRequestInput!) { approveAccessRequest(input: $i) { accessRequest { id status expiresAt decidedBy ${ACTOR} decidedAt } ${USER_ERRORS} } }`;
export const REJECT = `mutation($i: RejectAccessRequestInput!) { rejectAccessRequest(input: $i) { accessRequest { id status rejectionReason decidedBy ${ACTOR} } ${USER_ERRORS} } }`;
export const REVOKE = `mutation($i: RevokeAccessGrantInput!) { revokeAccessGrant(input: $i) { accessRequest { id status revokedBy ${ACTOR} revokedAt revocationReason } ${USER_ERRORS} } }`;

export const CUSTOMER = 'query($id: ID!) { customer(id: $id) { id name contacts { name phone email } history { field actor { id } } changes { totalCount } } }';
export const CUSTOMERS = '{ customers(first: 200) { totalCount edges { node { id name contacts { phone email } history { field } } } } }';
export const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name contacts { phone email } history { field } } } }';
export const entities = (ids: string[]) => ({ r: ids.map((id) => ({ __typename: 'Customer', id })) });

/** The node ids of a connection, in order. */
export const nodeIds = (connection: { edges: { node: { id: string } }[] }): string[] => connection.edges.map((e) => e.node.id);

/** Poll until `probe` returns something truthy (the audit log is written in short batches). */
export function eventually<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 5000): Promise<T> {
  return retryUntil(async () => {
    const value = await probe();
    if (!value) throw new Error('condition not met in time');
    return value;
  }, timeoutMs, 25);
}
