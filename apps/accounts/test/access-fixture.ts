import { fixedClock } from '@crm/kernel';
import { graphql, testServiceEnv, tokenFor, type GraphQLResponse, eventually as retryUntil } from '@crm/testing';
import type { mongo } from 'mongoose';
import { accountsService } from '../src/accounts.service';

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
  const ok = async (query: string, variables: Record<string, unknown>, token: string, headers: Record<string, string> = {}): Promise<Record<string, any>> => {
    const res = await call(query, variables, token, headers);
    if (res.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(res.errors)}`);
    return res.data!;
  };

  for (const [id, name] of [['D-EAST', 'East sales'], ['D-WEST', 'West sales']]) {
    await ok('mutation($i: DepartmentInput!) { upsertDepartment(input: $i) { id } }', { i: { id, name } }, tokens.gm);
  }
  for (const [id, name, departmentId] of [['alice', 'Alice Wang', 'D-EAST'], ['bob', 'Bob Li', 'D-EAST'], ['carol', 'Carol Zhao', 'D-WEST']]) {
    await ok('mutation($i: ConsultantInput!) { upsertConsultant(input: $i) { id } }', { i: { id, name, departmentId } }, tokens.gm);
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
    const data = await ok('mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }', { i: input }, tokens.gm);
    return data.createCustomer.id;
  };

  /** Ask for access as `token` and have `approver` approve it; returns the request id. */
  const grant = async (token: string, scope: Record<string, unknown>, approver: string, expiresInMs = 2 * DAY): Promise<string> => {
    const expiresAt = new Date(clock.now().getTime() + expiresInMs).toISOString();
    const asked = await ok(REQUEST_ACCESS, { i: { scope, reason: 'covering during leave', expiresAt } }, token);
    const id = asked.requestCustomerAccess.id;
    await ok(APPROVE, { id }, approver);
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

  return { service, clock, tokens, call, ok, read, customer, grant, recordCommands };
}

export type AccessWorld = Awaited<ReturnType<typeof startAccessWorld>>;

export const REQUEST_ACCESS = `mutation($i: RequestCustomerAccessInput!) { requestCustomerAccess(input: $i) {
  id requesterId status reason requestedExpiresAt expiresAt approverRole approverDepartment { id } requesterDepartment { id }
  scope { kind customerId consultant { id } department { id } } createdAt } }`;
export const APPROVE = 'mutation($id: ID!, $e: DateTime) { approveAccessRequest(id: $id, expiresAt: $e) { id status expiresAt decidedBy decidedAt } }';
export const REJECT = 'mutation($id: ID!, $r: String!) { rejectAccessRequest(id: $id, reason: $r) { id status rejectionReason decidedBy } }';
export const REVOKE = 'mutation($id: ID!, $r: String) { revokeAccessGrant(id: $id, reason: $r) { id status revokedBy revokedAt revocationReason } }';

export const CUSTOMER = 'query($id: ID!) { customer(id: $id) { id name contacts { name phone email } history { field by } changes { totalCount } } }';
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
