import { randomBytes } from 'node:crypto';
import { fixedClock, type RunningService } from '@crm/kernel';
import { announceCustomer, approveAccess, graphql, handOverCustomer, newCustomerId, refusalsAt, refusalsOf, revokeAccess, testServiceEnv, tokenFor } from '@crm/testing';
import { engagementService } from '../src/engagement.service';

// Other test files publish accounts events (grants among them) for people named alike on the same stream;
// unique user ids keep this file's grants and handovers its own.
const RUN = randomBytes(3).toString('hex');
const user = (name: string) => `${name}-${RUN}`;

// docs/domain/accounts.md confidentiality through engagement's copy of the customers' scopes (kept from accounts' events).
const LOG = `mutation($input: LogInteractionInput!) { logInteraction(input: $input) { interaction { id } userErrors { field code message } } }`;
const ONE = `query($id: ID!) { interaction(id: $id) { id } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id interactions { id } } ... on Interaction { id } } }`;

jest.setTimeout(30_000);

describe('engagement: interactions are read within the caller customer scope', () => {
  const clock = fixedClock('2025-06-02T08:00:00Z');
  let service: RunningService;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    service = await engagementService.start({ env: testServiceEnv('engagement'), clock });
    token.alice = await tokenFor({ sub: user('alice'), roles: ['consultant'], department_id: 'D-EAST' });
    token.bob = await tokenFor({ sub: user('bob'), roles: ['consultant'], department_id: 'D-EAST' });
    token.carol = await tokenFor({ sub: user('carol'), roles: ['consultant'], department_id: 'D-EAST' });
    token.east = await tokenFor({ sub: user('mgr-east'), roles: ['department_manager'], department_id: 'D-EAST' });
    token.west = await tokenFor({ sub: user('mgr-west'), roles: ['department_manager'], department_id: 'D-WEST' });
    token.agent = await tokenFor({ sub: 'agent-1', roles: ['service_agent'] });
  });
  afterAll(() => service.stop());
  beforeEach(() => clock.set('2025-06-02T08:00:00Z'));

  const logFor = async (customerId: string, as = token.alice): Promise<string> => {
    const res = await graphql(service.url, LOG, { input: { customerId, channel: 'PHONE', occurredAt: '2025-06-01T08:00:00Z', summary: 'Called about the order' } }, as);
    expect(res.errors).toBeUndefined();
    expect(res.data!.logInteraction.userErrors).toEqual([]);
    return res.data!.logInteraction.interaction.id;
  };

  /** What `as` sees of one interaction: through the root field, Customer.interactions and Interaction entities. */
  const sees = async (as: string, customerId: string, interactionId: string): Promise<boolean> => {
    const root = await graphql(service.url, ONE, { id: interactionId }, as);
    const entities = await graphql(service.url, ENTITIES, { r: [{ __typename: 'Customer', id: customerId }, { __typename: 'Interaction', id: interactionId }] }, as);
    // A refused read by id names why: FORBIDDEN for staff (with the approval that would open it), NOT_FOUND for partners.
    for (const error of root.errors ?? []) expect(['FORBIDDEN', 'NOT_FOUND']).toContain(error.extensions?.code);
    // The Interaction entity, as another subgraph would reach it, is refused as the root field is, at its own path.
    expect(refusalsOf(entities)).toEqual(refusalsAt(root, ['_entities', 1]));
    const viaRoot = (root.data?.interaction ?? null) !== null;
    const viaCustomer = entities.data!._entities[0].interactions.some((i: { id: string }) => i.id === interactionId);
    const viaEntity = entities.data!._entities[1] !== null;
    expect([viaCustomer, viaEntity]).toEqual([viaRoot, viaRoot]);
    return viaRoot;
  };

  it('shows a consultant their own customer, not a colleague’s; the department manager the department’s', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const id = await logFor(customerId);
    expect(await sees(token.alice, customerId, id)).toBe(true);
    expect(await sees(token.bob, customerId, id)).toBe(false);
    expect(await sees(token.east, customerId, id)).toBe(true);
    expect(await sees(token.west, customerId, id)).toBe(false);
    expect(await sees(token.agent, customerId, id)).toBe(true);
    // Which approval would open it: the caller's own department manager, or the general manager.
    expect(refusalsOf(await graphql(service.url, ONE, { id }, token.bob))[0]).toMatchObject({ code: 'FORBIDDEN', requiredApproval: 'DEPARTMENT_MANAGER' });
    expect(refusalsOf(await graphql(service.url, ONE, { id }, token.west))[0]).toMatchObject({ code: 'FORBIDDEN', requiredApproval: 'GENERAL_MANAGER' });
  });

  it('shows assigned staff the customer they serve', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), assignedStaffIds: [user('alice'), user('carol')] });
    const id = await logFor(customerId);
    expect(await sees(token.carol, customerId, id)).toBe(true);
    expect(await sees(token.bob, customerId, id)).toBe(false);
  });

  it('opens a customer with an approved grant until it expires or is revoked', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice') });
    const id = await logFor(customerId);
    const scope = { kind: 'CUSTOMER' as const, customerId, departmentId: 'D-EAST' };
    const grant = await approveAccess(service, user('bob'), scope, new Date('2025-06-03T08:00:00Z'));
    expect(await sees(token.bob, customerId, id)).toBe(true);
    clock.set('2025-06-03T08:00:00Z');
    expect(await sees(token.bob, customerId, id)).toBe(false);

    clock.set('2025-06-02T09:00:00Z');
    expect(await sees(token.bob, customerId, id)).toBe(true);
    await revokeAccess(service, grant, user('bob'), scope);
    expect(await sees(token.bob, customerId, id)).toBe(false);

    // A consultant-wide grant reaches every customer of that consultant.
    await approveAccess(service, user('carol'), { kind: 'CONSULTANT', consultantId: user('alice'), departmentId: 'D-EAST' }, new Date('2025-06-10T00:00:00Z'));
    expect(await sees(token.carol, customerId, id)).toBe(true);
  });

  it('moves visibility with a handover', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), assignedStaffIds: [user('alice')] });
    const id = await logFor(customerId);
    await handOverCustomer(service, customerId, { owner: user('alice'), department: 'D-EAST' }, { owner: user('bob'), department: 'D-EAST' });
    expect(await sees(token.bob, customerId, id)).toBe(true);
    expect(await sees(token.alice, customerId, id)).toBe(false);
  });

  it('treats a customer the caller may not read as unknown when logging, and hides unannounced customers from scoped roles only', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice') });
    const refused = await graphql(service.url, LOG, { input: { customerId, channel: 'PHONE', occurredAt: '2025-06-01T08:00:00Z', summary: 'x' } }, token.bob);
    expect(refused.data!.logInteraction.interaction).toBeNull();
    expect(refused.data!.logInteraction.userErrors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'customerId'], message: expect.stringMatching(/no such customer/) })]);

    const unannounced = newCustomerId();
    const byAlice = await graphql(service.url, LOG, { input: { customerId: unannounced, channel: 'PHONE', occurredAt: '2025-06-01T08:00:00Z', summary: 'x' } }, token.alice);
    expect(byAlice.data!.logInteraction.userErrors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'customerId'] })]);
    const id = await logFor(unannounced, token.agent);
    expect(await sees(token.agent, unannounced, id)).toBe(true);
    expect(await sees(token.east, unannounced, id)).toBe(false);
  });
});
