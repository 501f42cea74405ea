import { randomBytes } from 'node:crypto';
import { fixedClock, type RunningService } from '@crm/kernel';
import { announceCustomer, approveAccess, graphql, handOverCustomer, newCustomerId, refusalsAt, refusalsOf, revokeAccess, testServiceEnv, tokenFor } from '@crm/testing';
import { creditService } from '../src/credit.service';

// Other test files publish accounts events (grants among them) for people named alike on the same stream;
// unique user ids keep this file's grants and handovers its own.
const RUN = randomBytes(3).toString('hex');
const user = (name: string) => `${name}-${RUN}`;

// docs/domain/accounts.md confidentiality through credit's copy of the customers' scopes (kept from accounts' events).
const SET = `mutation($input: SetCreditProfileInput!) { setCreditProfile(input: $input) { creditProfile { customerId } userErrors { field code message } } }`;
const ONE = `query($c: ID!) { creditProfile(customerId: $c) { grade } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id creditProfile { grade } } ... on CreditProfile { grade } } }`;

jest.setTimeout(30_000);

describe('credit: credit profiles are read within the caller customer scope', () => {
  const clock = fixedClock('2025-06-02T08:00:00Z');
  let service: RunningService;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    service = await creditService.start({ env: testServiceEnv('credit'), clock });
    token.alice = await tokenFor({ sub: user('alice'), roles: ['consultant'], department_id: 'D-EAST' });
    token.bob = await tokenFor({ sub: user('bob'), roles: ['consultant'], department_id: 'D-EAST' });
    token.carol = await tokenFor({ sub: user('carol'), roles: ['consultant'], department_id: 'D-EAST' });
    token.east = await tokenFor({ sub: user('mgr-east'), roles: ['department_manager'], department_id: 'D-EAST' });
    token.west = await tokenFor({ sub: user('mgr-west'), roles: ['department_manager'], department_id: 'D-WEST' });
    token.finance = await tokenFor({ sub: 'fin-1', roles: ['finance'] });
    token.gm = await tokenFor({ sub: 'gm-1', roles: ['general_manager'] });
  });
  afterAll(() => service.stop());
  beforeEach(() => clock.set('2025-06-02T08:00:00Z'));

  const setFor = async (customerId: string, as = token.finance) => {
    const res = await graphql(service.url, SET, { input: { customerId, grade: 'A', creditLimit: 800_000, paymentTermDays: 45, expectedRevision: 0 } }, as);
    expect(res.errors).toBeUndefined();
    expect(res.data!.setCreditProfile).toEqual({ creditProfile: { customerId }, userErrors: [] });
  };

  /** What `as` sees of a customer's profile: root field, Customer.creditProfile and CreditProfile entity. */
  const sees = async (as: string, customerId: string): Promise<boolean> => {
    const root = await graphql(service.url, ONE, { c: customerId }, as);
    const entities = await graphql(service.url, ENTITIES, { r: [{ __typename: 'Customer', id: customerId }, { __typename: 'CreditProfile', customerId }] }, as);
    for (const error of root.errors ?? []) expect(['FORBIDDEN', 'NOT_FOUND']).toContain(error.extensions?.code);
    // Customer.creditProfile and the CreditProfile entity are refused as the root field is, each at its own path.
    expect(refusalsOf(entities)).toEqual(expect.arrayContaining(refusalsAt(root, ['_entities', 0, 'creditProfile'], ['_entities', 1])));
    expect(refusalsOf(entities)).toHaveLength(refusalsAt(root, ['_entities', 0, 'creditProfile'], ['_entities', 1]).length);
    const viaRoot = (root.data?.creditProfile ?? null) !== null;
    const [customer, profile] = entities.data!._entities;
    expect([customer.creditProfile !== null, profile !== null]).toEqual([viaRoot, viaRoot]);
    return viaRoot;
  };

  it('shows a consultant their own customer, not a colleague’s; the department manager the department’s', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    await setFor(customerId);
    expect(await sees(token.alice, customerId)).toBe(true);
    expect(await sees(token.bob, customerId)).toBe(false);
    expect(await sees(token.east, customerId)).toBe(true);
    expect(await sees(token.west, customerId)).toBe(false);
    expect(await sees(token.gm, customerId)).toBe(true);
  });

  it('shows assigned staff the customer they serve', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), assignedStaffIds: [user('alice'), user('carol')] });
    await setFor(customerId);
    expect(await sees(token.carol, customerId)).toBe(true);
  });

  it('opens a customer with an approved grant until it expires or is revoked', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice') });
    await setFor(customerId);
    const scope = { kind: 'CUSTOMER' as const, customerId, departmentId: 'D-EAST' };
    const grant = await approveAccess(service, user('bob'), scope, new Date('2025-06-03T08:00:00Z'));
    expect(await sees(token.bob, customerId)).toBe(true);
    clock.set('2025-06-04T00:00:00Z');
    expect(await sees(token.bob, customerId)).toBe(false);
    clock.set('2025-06-02T09:00:00Z');
    expect(await sees(token.bob, customerId)).toBe(true);
    await revokeAccess(service, grant, user('bob'), scope);
    expect(await sees(token.bob, customerId)).toBe(false);
  });

  it('moves visibility with a handover', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice') });
    await setFor(customerId);
    await handOverCustomer(service, customerId, { owner: user('alice'), department: 'D-EAST' }, { owner: user('bob'), department: 'D-EAST' });
    expect(await sees(token.bob, customerId)).toBe(true);
    expect(await sees(token.alice, customerId)).toBe(false);
  });

  it('keeps finance and the general manager free to set terms for customers accounts has not announced yet', async () => {
    const unannounced = newCustomerId();
    await setFor(unannounced, token.gm);
    expect(await sees(token.finance, unannounced)).toBe(true);
    expect(await sees(token.east, unannounced)).toBe(false);
  });
});
