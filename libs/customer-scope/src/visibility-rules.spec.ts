import type { Caller, Role } from '@crm/auth';
import {
  canSeeCustomerScope,
  customerScopeFilter,
  grantCovers,
  grantScopeFilter,
  grantsInForce,
  partnersRead,
  rolesSeeingEveryCustomer,
  seesEveryCustomer,
  visibilityRules,
  type CustomerGrant,
  type CustomerScope,
  type ScopedRecordKind,
} from './visibility-rules';

const caller = (roles: Role[], extra: Partial<Caller> = {}): Caller => ({ userId: 'alice', roles, token: 't', ...extra });
const scope: CustomerScope = { customerId: 'c1', ownerId: 'alice', departmentId: 'D-EAST', assignedStaffIds: ['alice', 'carol'], partnerIds: ['P-1'] };
const now = new Date('2025-06-02T08:00:00Z');
const until = (iso: string, grant: Omit<CustomerGrant, 'expiresAt'>): CustomerGrant => ({ ...grant, expiresAt: new Date(iso) });

describe('customer scope rules (docs/domain/accounts.md confidentiality)', () => {
  it('lets a consultant read their own customers and those they are assigned staff of, nobody else’s', () => {
    expect(canSeeCustomerScope(caller(['consultant']), scope)).toBe(true);
    expect(canSeeCustomerScope(caller(['consultant'], { userId: 'carol' }), scope)).toBe(true);
    expect(canSeeCustomerScope(caller(['consultant'], { userId: 'bob' }), scope)).toBe(false);
  });

  it('lets a department manager read their department’s customers only', () => {
    expect(canSeeCustomerScope(caller(['department_manager'], { userId: 'm', departmentId: 'D-EAST' }), scope)).toBe(true);
    expect(canSeeCustomerScope(caller(['department_manager'], { userId: 'm', departmentId: 'D-WEST' }), scope)).toBe(false);
    expect(canSeeCustomerScope(caller(['department_manager'], { userId: 'm' }), scope)).toBe(false);
  });

  it.each<Role>(['general_manager', 'marketing', 'service_agent', 'technical_staff', 'coordinator', 'finance', 'internal_app'])('lets %s read every customer', (role) => {
    expect(canSeeCustomerScope(caller([role], { userId: 'x' }), scope)).toBe(true);
    expect(customerScopeFilter(caller([role], { userId: 'x' }))).toEqual({});
  });

  it('lets a partner read linked customers only, and never through a grant', () => {
    expect(canSeeCustomerScope(caller(['partner'], { partnerId: 'P-1' }), scope)).toBe(true);
    expect(canSeeCustomerScope(caller(['partner'], { partnerId: 'P-2' }), scope)).toBe(false);
    expect(canSeeCustomerScope(caller(['partner'], { partnerId: 'P-2' }), scope, [until('2030-01-01T00:00:00Z', { customerId: 'c1' })], now)).toBe(false);
    // A scope copy without partner links (an event from before they were announced) opens nothing to a partner.
    expect(canSeeCustomerScope(caller(['partner'], { partnerId: 'P-1' }), { ...scope, partnerIds: undefined })).toBe(false);
    expect(customerScopeFilter(caller(['partner'], { partnerId: 'P-1' }))).toEqual({ partnerIds: 'P-1' });
  });

  it('opens a customer through a grant in force at the injected instant', () => {
    const bob = caller(['consultant'], { userId: 'bob' });
    const byCustomer = until('2025-06-03T08:00:00Z', { customerId: 'c1' });
    expect(canSeeCustomerScope(bob, scope, [byCustomer], now)).toBe(true);
    expect(canSeeCustomerScope(bob, scope, [byCustomer], new Date('2025-06-03T08:00:00Z'))).toBe(false);
    expect(canSeeCustomerScope(bob, scope, [until('2025-06-03T08:00:00Z', { ownerId: 'alice' })], now)).toBe(true);
    expect(canSeeCustomerScope(bob, scope, [until('2025-06-03T08:00:00Z', { departmentId: 'D-EAST' })], now)).toBe(true);
    expect(canSeeCustomerScope(bob, scope, [until('2025-06-03T08:00:00Z', { departmentId: 'D-WEST' })], now)).toBe(false);
    expect(grantCovers(until('2025-06-03T08:00:00Z', { customerId: 'c2' }), scope)).toBe(false);
  });

  it('builds the same rules as a Mongo filter over a scope collection', () => {
    expect(customerScopeFilter(caller(['consultant']))).toEqual({ $or: [{ ownerId: 'alice' }, { assignedStaffIds: 'alice' }] });
    expect(customerScopeFilter(caller(['department_manager'], { departmentId: 'D-EAST' }))).toEqual({ departmentId: 'D-EAST' });
    expect(customerScopeFilter(caller(['partner']))).toEqual({ _id: null });
    const grants = [until('2025-06-03T00:00:00Z', { customerId: 'c9' }), until('2025-06-01T00:00:00Z', { ownerId: 'dave' })];
    expect(customerScopeFilter(caller(['department_manager'], { departmentId: 'D-EAST' }), grants, { now })).toEqual({ $or: [{ departmentId: 'D-EAST' }, { _id: 'c9' }] });
    expect(customerScopeFilter(caller(['department_manager'], { departmentId: 'D-EAST' }), grants, { now, customerIdValue: (id) => `oid:${id}` })).toEqual({ $or: [{ departmentId: 'D-EAST' }, { _id: 'oid:c9' }] });
    // A role without any customer scope reads nothing unless granted.
    expect(customerScopeFilter(caller(['partner'], { partnerId: undefined, roles: [] }))).toEqual({ _id: null });
  });
});

describe('the ticket row of the rule table', () => {
  const finance = caller(['finance']);
  it('shows finance every customer but no ticket, even through a grant', () => {
    const grant: CustomerGrant = { customerId: 'c1', expiresAt: new Date('2999-01-01') };
    expect(canSeeCustomerScope(finance, scope, [], undefined, 'customer')).toBe(true);
    expect(canSeeCustomerScope(finance, scope, [grant], undefined, 'ticket')).toBe(false);
    expect(customerScopeFilter(finance, [grant], { kind: 'ticket' })).toEqual({ _id: null });
    expect(customerScopeFilter(finance, [], { kind: 'customer' })).toEqual({});
  });
  it('reads tickets like customers for everyone else: owner, assigned staff, the department manager, grants', () => {
    expect(canSeeCustomerScope(caller(['consultant'], { userId: 'carol' }), scope, [], undefined, 'ticket')).toBe(true);
    expect(canSeeCustomerScope(caller(['department_manager'], { userId: 'm', departmentId: 'D-EAST' }), scope, [], undefined, 'ticket')).toBe(true);
    expect(canSeeCustomerScope(caller(['service_agent']), scope, [], undefined, 'ticket')).toBe(true);
    expect(customerScopeFilter(caller(['service_agent']), [], { kind: 'ticket' })).toEqual({});
    expect(canSeeCustomerScope(caller(['consultant'], { userId: 'zed' }), scope, [{ ownerId: 'alice', expiresAt: new Date('2999-01-01') }], undefined, 'ticket')).toBe(true);
  });
  it('lets a finance user who is also a consultant read their own customers’ tickets', () => {
    expect(canSeeCustomerScope(caller(['finance', 'consultant'], { userId: 'alice' }), scope, [], undefined, 'ticket')).toBe(true);
  });
});

describe('customer scope rules at their edges', () => {
  const bob = caller(['consultant'], { userId: 'bob' });

  it('takes grants as checked when no instant is given, and drops them from the instant they expire', () => {
    const lapsed = until('2020-01-01T00:00:00Z', { customerId: 'c1' });
    expect(grantsInForce([lapsed])).toEqual([lapsed]);
    expect(grantsInForce([lapsed], now)).toEqual([]);
    const atNow = until('2025-06-02T08:00:00Z', { customerId: 'c1' });
    const later = until('2025-06-02T08:00:00.001Z', { customerId: 'c1' });
    expect(grantsInForce([atNow, later], now)).toEqual([later]);
    expect(canSeeCustomerScope(bob, scope, [lapsed])).toBe(true);
    expect(canSeeCustomerScope(bob, scope, [lapsed], now)).toBe(false);
  });

  it('reads a grant by its narrowest target: a customer, else an owner, else a department', () => {
    expect(grantCovers(until('2030-01-01T00:00:00Z', { customerId: 'c2', ownerId: 'alice' }), scope)).toBe(false);
    expect(grantCovers(until('2030-01-01T00:00:00Z', { ownerId: 'dave', departmentId: 'D-EAST' }), scope)).toBe(false);
    expect(grantCovers(until('2030-01-01T00:00:00Z', {}), scope)).toBe(false);
    expect(grantCovers(until('2030-01-01T00:00:00Z', {}), { ownerId: 'alice', departmentId: undefined as never })).toBe(false);
    expect(grantScopeFilter(until('2030-01-01T00:00:00Z', { customerId: 'c2', ownerId: 'alice' }))).toEqual({ _id: 'c2' });
    expect(grantScopeFilter(until('2030-01-01T00:00:00Z', { ownerId: 'dave', departmentId: 'D-EAST' }))).toEqual({ ownerId: 'dave' });
    expect(grantScopeFilter(until('2030-01-01T00:00:00Z', { departmentId: 'D-EAST' }))).toEqual({ departmentId: 'D-EAST' });
    expect(grantScopeFilter(until('2030-01-01T00:00:00Z', {}))).toEqual({ _id: null });
  });

  it('does not match a department manager without a department to a scope without one', () => {
    expect(canSeeCustomerScope(caller(['department_manager'], { userId: 'm' }), { ownerId: 'x', departmentId: undefined as never })).toBe(false);
  });

  it('does not let a partner see everything through an internal role', () => {
    expect(seesEveryCustomer(caller(['general_manager'], { partnerId: 'P-1' }))).toBe(false);
    expect(canSeeCustomerScope(caller(['general_manager'], { partnerId: 'P-1' }), scope)).toBe(true);
    expect(canSeeCustomerScope(caller(['general_manager'], { partnerId: 'P-9' }), scope)).toBe(false);
    expect(canSeeCustomerScope(caller(['partner']), scope)).toBe(false);
    expect(customerScopeFilter(caller(['general_manager'], { partnerId: 'P-9' }))).toEqual({ partnerIds: 'P-9' });
  });

  it('gives the owner or assigned staff nothing by name alone without the consultant role', () => {
    expect(canSeeCustomerScope(caller(['technical_staff', 'finance'], { userId: 'alice' }), scope, [], undefined, 'ticket')).toBe(true);
    expect(canSeeCustomerScope(caller([], { userId: 'alice' }), scope)).toBe(false);
    expect(canSeeCustomerScope(caller(['consultant'], { userId: 'carol' }), { ...scope, assignedStaffIds: undefined })).toBe(false);
    expect(customerScopeFilter(caller([], { userId: 'alice' }))).toEqual({ _id: null });
  });

  it('combines a manager\'s department, a consultant\'s own and assigned customers and each grant in one filter', () => {
    const both = caller(['department_manager', 'consultant'], { departmentId: 'D-EAST' });
    expect(customerScopeFilter(both, [until('2030-01-01T00:00:00Z', { ownerId: 'dave' })])).toEqual({
      $or: [{ departmentId: 'D-EAST' }, { ownerId: 'alice' }, { assignedStaffIds: 'alice' }, { ownerId: 'dave' }],
    });
    expect(customerScopeFilter(caller(['department_manager']))).toEqual({ _id: null });
    expect(customerScopeFilter(caller([]), [until('2030-01-01T00:00:00Z', { customerId: 'c3' })])).toEqual({ _id: 'c3' });
  });

  it('bars finance from tickets only when finance is all it is', () => {
    expect(visibilityRules.ticket.rolesSeeingAll).not.toContain('finance');
    expect(visibilityRules.ticket.rolesSeeingAll).toEqual(['general_manager', 'marketing', 'service_agent', 'technical_staff', 'coordinator', 'internal_app']);
    expect(rolesSeeingEveryCustomer).toEqual(['general_manager', 'marketing', 'service_agent', 'technical_staff', 'coordinator', 'finance', 'internal_app']);
    expect(customerScopeFilter(caller(['finance', 'department_manager'], { departmentId: 'D-EAST' }), [], { kind: 'ticket' })).toEqual({ departmentId: 'D-EAST' });
    expect(seesEveryCustomer(caller(['finance']), 'ticket')).toBe(false);
    expect(seesEveryCustomer(caller(['finance']))).toBe(true);
  });
});

describe('the partner column of the rule table', () => {
  const linked = caller(['partner'], { userId: 'portal', partnerId: 'P-1' });
  const other = caller(['partner'], { userId: 'portal-2', partnerId: 'P-2' });
  const kinds = Object.keys(visibilityRules) as ScopedRecordKind[];

  it.each(kinds.map((kind) => [kind, visibilityRules[kind].partners] as const))('%s: partners read %s', (kind, partners) => {
    const open = partners === 'linked';
    expect(partnersRead(kind)).toBe(open);
    expect(canSeeCustomerScope(linked, scope, [], now, kind)).toBe(open);
    expect(canSeeCustomerScope(other, scope, [], now, kind)).toBe(false);
    expect(customerScopeFilter(linked, [], { kind })).toEqual(open ? { partnerIds: 'P-1' } : { _id: null });
    // Never more than the links, whatever grant or role the token also claims.
    expect(canSeeCustomerScope({ ...other, roles: ['partner', 'general_manager'] }, scope, [until('2030-01-01T00:00:00Z', { customerId: 'c1' })], now, kind)).toBe(false);
    expect(seesEveryCustomer({ ...linked, roles: ['general_manager'] }, kind)).toBe(false);
  });

  it('lets partners read their linked customers and tickets, and none of the internal records', () => {
    expect(Object.fromEntries(kinds.map((kind) => [kind, visibilityRules[kind].partners]))).toEqual({ customer: 'linked', ticket: 'linked', 'fault-report': 'none', 'internal-record': 'none' });
  });

  it('reads fault reports like tickets for staff (one scope copy serves both), never for partners', () => {
    expect({ ...visibilityRules['fault-report'], partners: 'linked' }).toEqual(visibilityRules.ticket);
  });
});
