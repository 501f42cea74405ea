import { fixedClock } from '@crm/kernel';
import { Types } from 'mongoose';
import { ageOf, cardChanges, checkKindAndListType, checkKindVariant, checkPastDays } from './customer-card';
import { canMoveLifecycle } from './customer-lifecycle';
import type { CustomerRecord } from './customer.model';

const customer = {
  _id: new Types.ObjectId(),
  name: 'Acme',
  kind: 'ORGANISATION',
  contacts: [{ name: 'A', phone: '123456', decisionMaker: true }],
  organisation: { registrationNumber: 'R-1', assets: { amount: 10, currency: 'CNY' } },
  needs: null,
} as unknown as CustomerRecord;

describe('the data card', () => {
  it('records one change per member that really changed, and replaces a group by its merged value', () => {
    const { set, changes } = cardChanges(customer, {
      name: 'Acme',
      contacts: [{ name: 'A', phone: '123456', decisionMaker: true, title: null }],
      organisation: { assets: { amount: 12, currency: 'CNY' }, manager: 'M' },
      needs: { purchaseStage: 'INTEREST' },
    });
    expect(changes.map((c) => c.field)).toEqual(['organisation.assets', 'organisation.manager', 'needs.purchaseStage']);
    expect(set).toEqual({
      organisation: { registrationNumber: 'R-1', assets: { amount: 12, currency: 'CNY' }, manager: 'M' },
      needs: { purchaseStage: 'INTEREST' },
    });
  });

  it('clears a member given as null', () => {
    const { set, changes } = cardChanges(customer, { organisation: { registrationNumber: null } });
    expect(changes).toEqual([{ field: 'organisation.registrationNumber', before: 'R-1', after: null }]);
    expect(set.organisation).toMatchObject({ registrationNumber: null });
  });

  it('keeps organisations and people on their own lists and variants', () => {
    expect(() => checkKindAndListType('ORGANISATION', 'INDIVIDUAL')).toThrow(/organisation/);
    expect(() => checkKindAndListType('INDIVIDUAL', 'ENTERPRISE')).toThrow(/person/);
    expect(() => checkKindAndListType('INDIVIDUAL', 'BUSINESS_PARTNER')).not.toThrow();
    expect(() => checkKindVariant('ORGANISATION', { individual: {} })).toThrow(/INDIVIDUAL/);
    expect(() => checkKindVariant('INDIVIDUAL', { organisation: {} })).toThrow(/ORGANISATION/);
  });

  it('refuses days in the future', () => {
    expect(() => checkPastDays({ individual: { birthday: '2025-03-04' } }, '2025-03-03')).toThrow(/future/);
    expect(() => checkPastDays({ tradingSince: '2025-03-03' }, '2025-03-03')).not.toThrow();
  });

  it('computes the age from the birthday at the injected instant', () => {
    const clock = fixedClock('2025-07-19T12:00:00Z');
    expect(ageOf({ birthday: '1985-07-20' }, clock.now())).toBe(39);
    clock.advance(24 * 3_600_000);
    expect(ageOf({ birthday: '1985-07-20' }, clock.now())).toBe(40);
    expect(ageOf({ age: 50 }, clock.now())).toBe(50);
  });

  it('allows only the lifecycle moves of the state machine', () => {
    expect(canMoveLifecycle('PROSPECT', 'QUALIFYING')).toBe(true);
    expect(canMoveLifecycle('PROSPECT', 'ACTIVE')).toBe(false);
    expect(canMoveLifecycle('ACTIVE', 'DORMANT')).toBe(true);
    expect(canMoveLifecycle('REMOVED', 'ACTIVE')).toBe(false);
  });
});
