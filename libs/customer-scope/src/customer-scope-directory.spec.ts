import type { Caller } from '@crm/auth';
import { uniqueDatabaseName } from '@crm/testing';
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { CustomerScopeDirectory } from './customer-scope-directory';
import { connectMongo } from '@crm/data';

const id = () => randomBytes(12).toString('hex');
const caller = (userId: string, roles: Caller['roles'], departmentId?: string): Caller => ({ userId, roles, departmentId, token: 't' });
const snapshot = (customerId: string, owner: string, department = 'D-EAST', assignedStaffIds?: string[]) => ({
  customer: { id: customerId, name: 'C', kind: 'ORGANISATION' as const, lifecycle: 'ACTIVE', ownerConsultantId: owner, departmentId: department, region: null, assignedStaffIds },
});
const access = (requestId: string, requesterId: string) => ({ requestId, requesterId, scope: { kind: 'CONSULTANT' as const, customerId: null, consultantId: 'alice', departmentId: 'D-EAST' } });
const now = new Date('2025-06-02T08:00:00Z');

describe('CustomerScopeDirectory (against the test Mongo)', () => {
  let connection: Connection;
  let directory: CustomerScopeDirectory;
  beforeAll(async () => {
    connection = await connectMongo({ url: process.env.MONGO_URL!, dbName: uniqueDatabaseName('data') });
    directory = new CustomerScopeDirectory(connection);
  });
  afterAll(() => connection.close());

  const sees = async (who: Caller, customerId: string, at = now) => (await directory.visibleCustomerIds(who, [customerId], at)).has(customerId);
  const alice = caller('alice', ['consultant'], 'D-EAST');
  const bob = caller('bob', ['consultant'], 'D-EAST');

  it('never rolls a customer back to an older event, whatever the delivery order', async () => {
    const c = id();
    await directory.applyCustomer({ time: '2025-06-02T10:00:00Z', data: snapshot(c, 'bob') });
    await directory.applyCustomer({ time: '2025-06-01T10:00:00Z', data: snapshot(c, 'alice') });
    await directory.applyCustomer({ time: '2025-06-02T10:00:00Z', data: snapshot(c, 'bob') });
    expect(await sees(bob, c)).toBe(true);
    expect(await sees(alice, c)).toBe(false);
  });

  it('applies a handover delivered before the creation, and hands the staff place over', async () => {
    const c = id();
    const handover = { customerId: c, customerName: 'C', fromConsultantId: 'alice', toConsultantId: 'bob', fromDepartmentId: 'D-EAST', toDepartmentId: 'D-WEST', reason: 'left', handedOverAt: '2025-06-02T10:00:00Z' };
    await directory.applyHandover({ time: handover.handedOverAt, data: handover });
    await directory.applyCustomer({ time: '2025-06-01T10:00:00Z', data: snapshot(c, 'alice', 'D-EAST', ['alice', 'carol']) });
    expect(await sees(caller('bob', ['consultant']), c)).toBe(true);
    expect(await sees(alice, c)).toBe(false);
    expect(await sees(caller('m', ['department_manager'], 'D-WEST'), c)).toBe(true);

    const d = id();
    await directory.applyCustomer({ time: '2025-06-01T10:00:00Z', data: snapshot(d, 'alice', 'D-EAST', ['alice', 'carol']) });
    await directory.applyHandover({ time: handover.handedOverAt, data: { ...handover, customerId: d } });
    expect((await directory.scopes.findById(d).lean())!.assignedStaffIds).toEqual(['bob', 'carol']);
  });

  it('makes a merged duplicate read like its survivor, also after later survivor changes', async () => {
    const [survivor, duplicate] = [id(), id()];
    await directory.applyCustomer({ time: '2025-06-01T10:00:00Z', data: snapshot(duplicate, 'alice') });
    await directory.applyCustomer({ time: '2025-06-01T10:00:00Z', data: snapshot(survivor, 'bob') });
    await directory.applyMerge({ time: '2025-06-02T10:00:00Z', data: { survivorId: survivor, duplicateId: duplicate, survivorOwnerConsultantId: 'bob', survivorDepartmentId: 'D-EAST', mergedAt: '2025-06-02T10:00:00Z' } });
    expect(await sees(bob, duplicate)).toBe(true);
    expect(await sees(alice, duplicate)).toBe(false);
    await directory.applyCustomer({ time: '2025-06-03T10:00:00Z', data: snapshot(survivor, 'carol') });
    expect(await sees(caller('carol', ['consultant']), duplicate)).toBe(true);
  });

  it('opens grants while approved, unexpired and not revoked (a revoke delivered first wins)', async () => {
    const c = id();
    await directory.applyCustomer({ time: '2025-06-01T10:00:00Z', data: snapshot(c, 'alice') });
    const [open, early] = [id(), id()];
    await directory.applyAccessApproved({ time: '2025-06-01T00:00:00Z', data: { ...access(open, 'dave'), approvedBy: 'm', approvedAt: '2025-06-01T00:00:00Z', expiresAt: '2025-06-03T00:00:00Z' } });
    expect(await sees(caller('dave', ['consultant']), c)).toBe(true);
    expect(await sees(caller('dave', ['consultant']), c, new Date('2025-06-03T00:00:00Z'))).toBe(false);

    await directory.applyAccessRevoked({ time: '2025-06-01T00:00:00Z', data: { ...access(early, 'erin'), revokedBy: 'm', revokedAt: '2025-06-01T01:00:00Z', reason: null } });
    await directory.applyAccessApproved({ time: '2025-06-01T00:00:00Z', data: { ...access(early, 'erin'), approvedBy: 'm', approvedAt: '2025-06-01T00:00:00Z', expiresAt: '2025-06-03T00:00:00Z' } });
    expect(await sees(caller('erin', ['consultant']), c)).toBe(false);
  });

  it('answers filterFor with no restriction for all-seeing roles and the visible ids otherwise', async () => {
    expect(await directory.filterFor(caller('gm', ['general_manager']), now)).toEqual({ unrestricted: true });
    const c = id();
    await directory.applyCustomer({ time: '2025-06-01T10:00:00Z', data: snapshot(c, 'frank') });
    expect(await directory.filterFor(caller('frank', ['consultant']), now)).toEqual({ unrestricted: false, customerIds: [c] });
    expect(await directory.filterFor({ ...caller('p', ['partner']), partnerId: 'P-1' }, now)).toEqual({ unrestricted: false, customerIds: [] });
  });

  it("keeps the partner links accounts announces: a partner reads its linked customers' tickets, never the internal records", async () => {
    const tickets = new CustomerScopeDirectory(connection, 'ticket');
    const [linked, unlinked, merged] = [id(), id(), id()];
    const withPartners = (customerId: string, partnerIds?: string[]) => ({ customer: { ...snapshot(customerId, 'alice').customer, ...(partnerIds ? { partnerIds } : {}) } });
    await tickets.applyCustomer({ time: '2025-06-01T10:00:00Z', data: withPartners(linked, ['P-1']) });
    await tickets.applyCustomer({ time: '2025-06-01T10:00:00Z', data: withPartners(unlinked, ['P-2']) });
    await tickets.applyCustomer({ time: '2025-06-01T10:00:00Z', data: withPartners(merged, []) });
    const portal: Caller = { ...caller('portal', ['partner']), partnerId: 'P-1' };
    expect(await tickets.filterFor(portal, now)).toEqual({ unrestricted: false, customerIds: [linked] });
    expect([...(await tickets.visibleCustomerIds(portal, [linked, unlinked, merged], now))]).toEqual([linked]);
    // The same copy read for internal records (engagement, surveys, credit) opens nothing to a partner.
    const internal = new CustomerScopeDirectory(connection);
    expect(internal.kind).toBe('internal-record');
    expect(await internal.filterFor(portal, now)).toEqual({ unrestricted: false, customerIds: [] });
    expect((await internal.visibleCustomerIds(portal, [linked], now)).size).toBe(0);
    // An event from before links were announced keeps the links known; an unlink closes them.
    await tickets.applyCustomer({ time: '2025-06-02T10:00:00Z', data: withPartners(linked) });
    expect(await tickets.canSee({ ...portal }, linked, now)).toBe(true);
    await tickets.applyCustomer({ time: '2025-06-03T10:00:00Z', data: withPartners(linked, []) });
    expect(await tickets.canSee({ ...portal }, linked, now)).toBe(false);
    // A duplicate merged into a linked survivor reads like it.
    await tickets.applyCustomer({ time: '2025-06-03T10:00:00Z', data: withPartners(unlinked, ['P-1']) });
    await tickets.applyMerge({ time: '2025-06-04T10:00:00Z', data: { survivorId: unlinked, duplicateId: merged, survivorOwnerConsultantId: 'alice', survivorDepartmentId: 'D-EAST', mergedAt: '2025-06-04T10:00:00Z' } });
    expect(await tickets.canSee({ ...portal }, merged, now)).toBe(true);
  });
});
