import type { Caller, Role } from '@crm/auth';
import { fixedClock } from '@crm/kernel';
import { Types } from 'mongoose';
import { CustomerAccess, type AccessGrantScope, type GrantSource, type PersonalDataReadEntry } from './customer-access';

const caller = (userId: string, roles: Role[], extra: Partial<Caller> = {}): Caller => ({ userId, roles, token: 't', ...extra });
const alice = caller('alice', ['consultant'], { departmentId: 'D-EAST' });
const partner = caller('portal', ['partner'], { partnerId: 'P-1' });
const gm = caller('gm', ['general_manager']);

const bobsCustomer = {
  _id: new Types.ObjectId(),
  ownerId: 'bob',
  departmentId: 'D-EAST',
  partnerIds: ['P-1'],
  contacts: [{ name: 'Li Si', phone: '13800138000', email: 'lisi@example.com', decisionMaker: true }],
};

/** A grant source that behaves like the real one: only grants not expired at `now`, and counts its queries. */
function grantsOf(grants: AccessGrantScope[]): GrantSource & { queries: number } {
  return {
    queries: 0,
    async activeGrants(_caller, now) {
      this.queries += 1;
      return grants.filter((g) => g.expiresAt.getTime() > now.getTime());
    },
  };
}

function recorder() {
  const reads: PersonalDataReadEntry[] = [];
  return { reads, recordRead: (read: PersonalDataReadEntry) => void reads.push(read) };
}

describe('CustomerAccess', () => {
  const clock = fixedClock('2025-03-03T09:00:00Z');
  const grant: AccessGrantScope = { grantId: 'g-1', ownerId: 'bob', expiresAt: new Date('2025-03-04T09:00:00Z') };

  it('opens another consultant\'s customer while a grant is in force, and closes it the instant it expires', async () => {
    const source = grantsOf([grant]);
    const during = new CustomerAccess(alice, source, recorder(), () => clock.now(), 'r-1');
    expect(await during.canRead(bobsCustomer)).toBe(true);
    expect(await during.filter()).toEqual({ $or: [{ $or: [{ ownerId: 'alice' }, { assignedStaffIds: 'alice' }] }, { ownerId: 'bob' }] });

    const afterwards = fixedClock('2025-03-04T09:00:00Z');
    const next = new CustomerAccess(alice, source, recorder(), () => afterwards.now(), 'r-2');
    expect(await next.canRead(bobsCustomer)).toBe(false);
    expect(await next.filter()).toEqual({ $or: [{ ownerId: 'alice' }, { assignedStaffIds: 'alice' }] });
  });

  it('asks the grant source once per request, however many customers are checked', async () => {
    const source = grantsOf([grant]);
    const access = new CustomerAccess(alice, source, recorder(), () => clock.now(), 'r-1');
    await Promise.all([access.filter(), access.canRead(bobsCustomer), access.canRead({ ...bobsCustomer, ownerId: 'carol' })]);
    expect(source.queries).toBe(1);
  });

  it('never asks for grants of callers whose own scope answers: partners and those who see every customer', async () => {
    const source = grantsOf([grant]);
    await new CustomerAccess(partner, source, recorder(), () => clock.now()).filter();
    await new CustomerAccess(partner, source, recorder(), () => clock.now()).canRead({ ...bobsCustomer, partnerIds: [] });
    await new CustomerAccess(gm, source, recorder(), () => clock.now()).filter();
    expect(source.queries).toBe(0);
  });

  it('masks contacts for partners and records nothing', () => {
    const audit = recorder();
    const contacts = new CustomerAccess(partner, grantsOf([]), audit, () => clock.now()).contactsOf(bobsCustomer);
    expect(contacts[0].phone).toBe('1********0');
    expect(contacts[0].email).not.toBe('lisi@example.com');
    expect(audit.reads).toEqual([]);
  });

  it('records an internal read of contacts once per customer and request, naming the grant that allowed it', async () => {
    const audit = recorder();
    const access = new CustomerAccess(alice, grantsOf([grant]), audit, () => clock.now(), 'r-9');
    expect(await access.canRead(bobsCustomer)).toBe(true);
    access.contactsOf(bobsCustomer);
    access.contactsOf(bobsCustomer);
    expect(audit.reads).toEqual([
      {
        at: clock.now(),
        readerId: 'alice',
        readerRoles: ['consultant'],
        customerId: String(bobsCustomer._id),
        departmentId: 'D-EAST',
        ownerId: 'bob',
        fields: ['contacts.phone', 'contacts.email'],
        requestId: 'r-9',
        grantId: 'g-1',
      },
    ]);
  });

  it('records only the personal fields a customer actually has', () => {
    const audit = recorder();
    const access = new CustomerAccess(gm, grantsOf([]), audit, () => clock.now(), 'r-1');
    access.contactsOf({ ...bobsCustomer, contacts: [{ name: 'Reception', phone: '010-1234567', decisionMaker: false }] });
    access.contactsOf({ ...bobsCustomer, _id: new Types.ObjectId(), contacts: [{ name: 'Nobody', decisionMaker: false }] });
    expect(audit.reads.map((r) => r.fields)).toEqual([['contacts.phone']]);
    expect(audit.reads[0].grantId).toBeNull();
  });

  it('audits other personal fields for internal readers and withholds or masks them for partners', () => {
    const audit = recorder();
    const internal = new CustomerAccess(gm, grantsOf([]), audit, () => clock.now(), 'r-1');
    expect(internal.personalField(bobsCustomer, 'individual.birthday', '1980-05-01')).toBe('1980-05-01');
    expect(internal.personalField(bobsCustomer, 'individual.gender', null)).toBeNull();
    expect(audit.reads.map((r) => r.fields)).toEqual([['individual.birthday']]);

    const portal = new CustomerAccess(partner, grantsOf([]), audit, () => clock.now(), 'r-2');
    expect(portal.personalField(bobsCustomer, 'individual.birthday', '1980-05-01')).toBeNull();
    expect(portal.personalField(bobsCustomer, 'individual.age', 44)).toBeNull();
    expect(portal.personalField(bobsCustomer, 'individual.mobile', '13912345678', { mask: 'partial' })).toBe('1********8');
    expect(audit.reads).toHaveLength(1);
  });
});
