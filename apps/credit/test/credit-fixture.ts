import { customerUpdatedV1, streamFor } from '@crm/contracts';
import { createEvent, encodeEvent, ensureStream } from '@crm/events';
import { fixedClock, type RunningService } from '@crm/kernel';
import { announceCustomer, eventually, graphql, PROJECTION_WAIT_MS, testServiceEnv, tokenFor, type GraphQLResponse } from '@crm/testing';
import { randomBytes } from 'node:crypto';
import { creditService } from '../src/credit.service';

/** Test files share one NATS: unique user ids keep one file's announcements and grants its own. */
export const RUN = randomBytes(3).toString('hex');
export const user = (name: string) => `${name}-${RUN}`;

export async function startCredit(at: string, env: NodeJS.ProcessEnv = {}) {
  const clock = fixedClock(at);
  // Tests move the clock by months: no scheduled tier recomputation unless a test asks for one.
  const service = await creditService.start({ env: testServiceEnv('credit', { SALES_TIER_RECOMPUTE_EVERY_HOURS: '0', ...env }), clock });
  return { service, clock };
}

export async function creditTokens() {
  return {
    finance: await tokenFor({ sub: 'fin-1', roles: ['finance'] }),
    gm: await tokenFor({ sub: 'gm-1', roles: ['general_manager'] }),
    alice: await tokenFor({ sub: user('alice'), roles: ['consultant'], department_id: 'D-EAST' }),
    bob: await tokenFor({ sub: user('bob'), roles: ['consultant'], department_id: 'D-EAST' }),
    east: await tokenFor({ sub: user('mgr-east'), roles: ['department_manager'], department_id: 'D-EAST' }),
    west: await tokenFor({ sub: user('mgr-west'), roles: ['department_manager'], department_id: 'D-WEST' }),
    partner: await tokenFor({ sub: 'portal-user', roles: ['partner'], partner_id: 'P-9' }),
  };
}

/** Announce a customer (accounts' customer.created) and wait until credit's scope and facts copies know it. */
export async function knownCustomer(service: RunningService, options: { owner?: string; department?: string; region?: string | null } = {}): Promise<string> {
  const id = await announceCustomer(service, { owner: options.owner ?? user('alice'), department: options.department ?? 'D-EAST' });
  if (options.region !== undefined) await setLifecycle(service, id, 'ACTIVE', { owner: options.owner, department: options.department, region: options.region });
  await eventually(async () => {
    if (!(await service.connection.collection('credit_customer_facts').findOne({ _id: id as never }))) throw new Error('facts not projected yet');
  }, PROJECTION_WAIT_MS);
  return id;
}

/** accounts' customer.updated with a new lifecycle (and region); resolves once credit's facts show it. */
export async function setLifecycle(service: RunningService, id: string, lifecycle: string, options: { owner?: string; department?: string; region?: string | null } = {}): Promise<void> {
  const customer = { id, name: `Customer ${id.slice(-4)}`, kind: 'ORGANISATION' as const, lifecycle, ownerConsultantId: options.owner ?? user('alice'), departmentId: options.department ?? 'D-EAST', region: options.region ?? null };
  const event = createEvent(customerUpdatedV1, { subject: id, actor: { userId: 'accounts-test', roles: ['general_manager'] }, data: { customer, changes: [{ field: 'lifecycle', before: null, after: lifecycle }] } });
  await ensureStream(service.bus.jsm, streamFor('accounts'));
  await service.bus.js.publish(event.type, encodeEvent(event), { msgID: event.id });
  await eventually(async () => {
    if (!(await service.connection.collection('credit_customer_facts').findOne({ _id: id as never, lifecycle, region: customer.region }))) throw new Error('lifecycle not projected yet');
  }, PROJECTION_WAIT_MS);
}

export const SET_PROFILE = `mutation($i: SetCreditProfileInput!) { setCreditProfile(input: $i) { creditProfile { id } userErrors { field code message } } }`;

export const ORDER_FIELDS = `id customerId consultant { id } departmentId region eventId status revision
  amount { amountMinor currency } lines { product quantity unitPrice { amountMinor currency } amount { amountMinor currency } }
  creditCheck { outcome reasons { code message } creditLimit { amountMinor } openReceivables { amountMinor } openOrders { amountMinor } exposure { amountMinor } available { amountMinor } oldestOverdueDays }
  creditDecisions { kind outcome decidedBy { id kind } note check { outcome } }
  placedBy { id } deliveredAt deliveredBy { id } cancelledBy { id } cancelReason`;

export const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { order { ${ORDER_FIELDS} } userErrors { field code message } } }`;
export const decision = (name: string, input: string) => `mutation($i: ${input}!) { ${name}(input: $i) { order { ${ORDER_FIELDS} } userErrors { field code message } } }`;
export const RELEASE = decision('releaseOrder', 'ReleaseOrderInput');
export const REJECT = decision('rejectOrder', 'RejectOrderInput');
export const RECHECK = decision('recheckOrder', 'RecheckOrderInput');
export const DELIVER = decision('deliverOrder', 'DeliverOrderInput');
export const CANCEL = decision('cancelOrder', 'CancelOrderInput');

export interface UserError {
  field: string[] | null;
  code: string;
  message: string;
}

/** The root field's payload, failing the test on a top-level error. */
export async function payload<T = Record<string, any>>(service: RunningService, query: string, variables: Record<string, unknown>, token: string): Promise<T & { userErrors: UserError[] }> {
  const res: GraphQLResponse = await graphql(service.url, query, variables, token);
  if (res.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
  return Object.values(res.data!)[0] as T & { userErrors: UserError[] };
}

/** The record under `key` of a payload without user errors. */
export async function ok<T = Record<string, any>>(service: RunningService, query: string, variables: Record<string, unknown>, token: string, key: string): Promise<T> {
  const answer = await payload(service, query, variables, token);
  if (answer.userErrors.length > 0) throw new Error(`unexpected user errors: ${JSON.stringify(answer.userErrors)}`);
  return (answer as Record<string, any>)[key] as T;
}

export async function setProfile(service: RunningService, token: string, customerId: string, terms: { grade?: string; creditLimit: number; paymentTermDays?: number; frozen?: boolean; expectedRevision?: number }): Promise<void> {
  await ok(service, SET_PROFILE, { i: { customerId, grade: terms.grade ?? 'A', creditLimit: terms.creditLimit, paymentTermDays: terms.paymentTermDays ?? 30, frozen: terms.frozen ?? false, expectedRevision: terms.expectedRevision ?? 0 } }, token, 'creditProfile');
}

/** One line of `amountMinor` (quantity 1). */
export const oneLine = (amountMinor: number, product = 'PUMP-100') => [{ product, quantity: 1, unitPriceMinor: amountMinor }];

/** Wait until receivables invoiced the order (the ledger consumes crm.credit.order.delivered). */
export async function invoiced(service: RunningService, orderId: string): Promise<void> {
  await service.flushOutbox();
  await eventually(async () => {
    if (!(await service.connection.collection('credit_ledgers').findOne({ 'invoices.orderId': orderId }))) throw new Error(`order ${orderId} not invoiced yet`);
  }, PROJECTION_WAIT_MS);
}
