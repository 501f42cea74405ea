import type { Caller, Role } from '@crm/auth';
import { canSeeCustomerScope, customerScopeFilter } from '@crm/customer-scope';
import { canEditCustomer, canSeeCustomer, maskContactForPartner, maskPersonalValue, visibleCustomersFilter } from './customer-access-rules';

const caller = (userId: string, roles: Role[], extra: Partial<Caller> = {}): Caller => ({ userId, roles, token: 't', ...extra });
const eastCustomer = { ownerId: 'alice', departmentId: 'D-EAST' };

describe('who may change a customer', () => {
  it('lets its owner change it, and no other consultant', () => {
    expect(canEditCustomer(caller('alice', ['consultant'], { departmentId: 'D-EAST' }), eastCustomer)).toBe(true);
    expect(canEditCustomer(caller('bob', ['consultant'], { departmentId: 'D-EAST' }), eastCustomer)).toBe(false);
  });

  it('lets the manager of the owning department change it, not another department\'s', () => {
    expect(canEditCustomer(caller('mgr-east', ['department_manager'], { departmentId: 'D-EAST' }), eastCustomer)).toBe(true);
    expect(canEditCustomer(caller('mgr-west', ['department_manager'], { departmentId: 'D-WEST' }), eastCustomer)).toBe(false);
  });

  it('lets the archive keepers change any customer', () => {
    expect(canEditCustomer(caller('gm', ['general_manager']), eastCustomer)).toBe(true);
    expect(canEditCustomer(caller('mkt', ['marketing']), eastCustomer)).toBe(true);
  });

  it('lets no partner change a customer, even one holding an internal role or named as the owner', () => {
    expect(canEditCustomer(caller('alice', ['consultant'], { partnerId: 'P-1' }), eastCustomer)).toBe(false);
    expect(canEditCustomer(caller('gm', ['general_manager', 'partner']), eastCustomer)).toBe(false);
  });

  it('does not let a non-consultant who happens to be the owner change it by ownership alone', () => {
    expect(canEditCustomer(caller('alice', ['service_agent']), eastCustomer)).toBe(false);
  });
});

describe('what a partner sees of personal data', () => {
  it('keeps the first and last character of a phone or email and stars the rest, at most eight stars', () => {
    expect(maskContactForPartner({ name: 'Li Lei', phone: '13800138000', email: 'li@example.cn', decisionMaker: true })).toEqual({
      name: 'Li Lei',
      phone: '1********0',
      email: 'l********n',
      decisionMaker: true,
    });
    expect(maskContactForPartner({ name: 'A', phone: '123', email: 'abcd', decisionMaker: false })).toEqual({ name: 'A', phone: '1*3', email: 'a**d', decisionMaker: false });
  });

  it('hides a value of two characters or fewer entirely', () => {
    expect(maskPersonalValue('ab')).toBe('**');
    expect(maskPersonalValue('a')).toBe('**');
    expect(maskPersonalValue('abc')).toBe('a*c');
  });

  it('leaves missing contact data missing', () => {
    expect(maskContactForPartner({ name: 'A', phone: null, email: undefined, decisionMaker: false })).toEqual({ name: 'A', phone: null, email: undefined, decisionMaker: false });
    expect(maskContactForPartner({ name: 'A', phone: '', email: '', decisionMaker: false })).toEqual({ name: 'A', phone: '', email: '', decisionMaker: false });
  });

  it('withholds anything personal that is not a string', () => {
    expect(maskPersonalValue(new Date('1990-01-01T00:00:00Z'))).toBeNull();
    expect(maskPersonalValue(42)).toBeNull();
  });
});

describe('which customers a caller reads', () => {
  it('applies the platform\'s one visibility rule table', () => {
    const consultant = caller('alice', ['consultant'], { departmentId: 'D-EAST' });
    expect(visibleCustomersFilter(consultant)).toEqual(customerScopeFilter(consultant));
    const customer = { ownerId: 'bob', departmentId: 'D-EAST', partnerIds: [], assignedStaffIds: ['alice'] };
    expect(canSeeCustomer(consultant, customer)).toBe(canSeeCustomerScope(consultant, customer));
    expect(canSeeCustomer(consultant, customer)).toBe(true);
    expect(canSeeCustomer(consultant, { ...customer, assignedStaffIds: [] })).toBe(false);
  });
});
