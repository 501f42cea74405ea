import { fixedClock } from '@crm/kernel';
import { Types } from 'mongoose';
import { ageOf, cardChanges, cardOf, checkKindAndListType, checkKindVariant, checkPastDays, same } from './customer-card';
import { canMoveLifecycle } from './customer-lifecycle';
import type { CustomerCardChanges } from './customer-input';
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

describe('the data card, member by member', () => {
  const person = {
    _id: new Types.ObjectId(),
    name: 'Li Lei',
    kind: 'INDIVIDUAL',
    listType: 'INDIVIDUAL',
    industry: null,
    contacts: [],
    partnerIds: [],
    lifecycle: 'PROSPECT',
    individual: null,
  } as unknown as CustomerRecord;

  it('replaces every scalar member an update names and records each change in card order', () => {
    const input = {
      name: 'Li Lei Trading',
      listType: 'BUSINESS_PARTNER' as const,
      industry: 'Retail',
      region: 'East',
      address: '1 Road',
      tradingSince: '2020-01-01',
      contacts: [{ name: 'Li', phone: '123456', decisionMaker: true }],
      lifecycle: 'QUALIFYING' as const,
      partnerIds: ['P-1'],
      competitorNotes: 'c',
      industryNotes: 'i',
    } satisfies CustomerCardChanges;
    const { set, changes } = cardChanges(person, input);
    expect(set).toEqual(input);
    expect(changes.map((c) => c.field)).toEqual(['name', 'listType', 'industry', 'region', 'address', 'tradingSince', 'contacts', 'lifecycle', 'partnerIds', 'competitorNotes', 'industryNotes']);
    expect(changes[2]).toEqual({ field: 'industry', before: null, after: 'Retail' });
    expect(changes[3]).toEqual({ field: 'region', before: null, after: 'East' });
  });

  it('sees no change in a member given as it is, or left out, or cleared while already empty', () => {
    expect(cardChanges(person, { name: 'Li Lei', region: null, industry: undefined, partnerIds: [] })).toEqual({ set: {}, changes: [] });
  });

  it('reads a member given as undefined as not given, not as cleared', () => {
    expect(cardChanges({ ...person, industry: 'Retail' } as CustomerRecord, { industry: undefined })).toEqual({ set: {}, changes: [] });
    expect(cardChanges(customer, { organisation: { registrationNumber: undefined } })).toEqual({ set: {}, changes: [] });
  });

  it('fills a group the customer does not have yet, and leaves unchanged groups out of the write', () => {
    const { set, changes } = cardChanges(person, { individual: { gender: 'FEMALE', birthday: undefined }, needs: {}, characteristics: { hobbies: null } as never });
    expect(set).toEqual({ individual: { gender: 'FEMALE' } });
    expect(changes).toEqual([{ field: 'individual.gender', before: null, after: 'FEMALE' }]);
  });

  it('writes a group only for its own changes, not for another group\'s', () => {
    const { set } = cardChanges(customer, { needs: { purchaseStage: 'INTEREST' }, organisation: { registrationNumber: 'R-1' } });
    expect(Object.keys(set)).toEqual(['needs']);
  });

  it('builds the card of a new organisation, without personal data and with empty defaults', () => {
    const card = cardOf({ name: 'Acme', kind: 'ORGANISATION', listType: 'ENTERPRISE', contacts: [], partnerIds: [], organisation: { registrationNumber: 'R-9', manager: undefined } } as never);
    expect(card).toStrictEqual({
      name: 'Acme',
      kind: 'ORGANISATION',
      listType: 'ENTERPRISE',
      industry: null,
      region: null,
      address: null,
      tradingSince: null,
      contacts: [],
      partnerIds: [],
      organisation: { registrationNumber: 'R-9' },
      individual: null,
      needs: { focusPoints: [] },
      characteristics: {},
      managementStatus: {},
      tradingStatus: {},
      competitorNotes: null,
      industryNotes: null,
    });
  });

  it('builds the card of a new person with what was given, and no organisation data', () => {
    const input = {
      name: 'Li Lei',
      kind: 'INDIVIDUAL',
      listType: 'INDIVIDUAL',
      industry: 'Retail',
      region: 'East',
      address: '1 Road',
      tradingSince: '2020-01-01',
      contacts: [{ name: 'Li', decisionMaker: true }],
      partnerIds: ['P-1'],
      organisation: { registrationNumber: 'ignored' },
      needs: { focusPoints: ['price'], purchaseStage: undefined },
      characteristics: { hobbies: 'golf' },
      managementStatus: { stage: 'x' },
      tradingStatus: { volume: 'y' },
      competitorNotes: 'c',
      industryNotes: 'i',
    };
    expect(cardOf(input as never)).toStrictEqual({
      ...input,
      organisation: null,
      individual: {},
      needs: { focusPoints: ['price'] },
    });
  });

  it('names the list and the field a kind does not fit', () => {
    expect(() => checkKindAndListType('ORGANISATION', 'INDIVIDUAL', 'input.target')).toThrow('input.target: an organisation cannot be on the INDIVIDUAL list');
    expect(() => checkKindAndListType('INDIVIDUAL', 'ENTERPRISE')).toThrow('input.listType: a person can only be on the INDIVIDUAL or BUSINESS_PARTNER list');
    expect(() => checkKindAndListType('INDIVIDUAL', 'INDIVIDUAL')).not.toThrow();
    expect(() => checkKindAndListType('ORGANISATION', 'ENTERPRISE')).not.toThrow();
    expect(() => checkKindVariant('ORGANISATION', { individual: {} })).toThrow('input.individual: is only for INDIVIDUAL customers');
    expect(() => checkKindVariant('INDIVIDUAL', { organisation: {} })).toThrow('input.organisation: is only for ORGANISATION customers');
    expect(() => checkKindVariant('ORGANISATION', { organisation: {}, individual: null })).not.toThrow();
    expect(() => checkKindVariant('INDIVIDUAL', { individual: {}, organisation: null })).not.toThrow();
  });

  it('names the day that lies in the future', () => {
    expect(() => checkPastDays({ tradingSince: '2025-03-04' }, '2025-03-03')).toThrow('input.tradingSince: cannot lie in the future');
    expect(() => checkPastDays({ organisation: { establishedOn: '2025-03-04' } }, '2025-03-03')).toThrow('input.organisation.establishedOn: cannot lie in the future');
    expect(() => checkPastDays({ individual: { birthday: '2025-03-04' } }, '2025-03-03')).toThrow('input.individual.birthday: cannot lie in the future');
    expect(() => checkPastDays({ organisation: { establishedOn: '2025-03-03' }, individual: { birthday: '2025-03-02' } }, '2025-03-03')).not.toThrow();
  });

  it('has no age for a person with neither birthday nor recorded age', () => {
    expect(ageOf({}, new Date('2025-07-19T12:00:00Z'))).toBeNull();
  });

  it('compares card values as data: key order, absent and null members, dates and ids by value', () => {
    expect(same({ a: 1, b: { c: 2, d: null } }, { b: { c: 2 }, a: 1 })).toBe(true);
    expect(same({ a: 1 }, { a: 2 })).toBe(false);
    expect(same([{ a: 1 }], [{ a: 1, b: undefined }])).toBe(true);
    expect(same([1, 2], [2, 1])).toBe(false);
    expect(same(new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00.000Z'))).toBe(true);
    expect(same(new Date('2025-01-01T00:00:00Z'), new Date('2025-01-02T00:00:00Z'))).toBe(false);
    const id = new Types.ObjectId();
    expect(same(id, new Types.ObjectId(id.toHexString()))).toBe(true);
    expect(same(id, new Types.ObjectId())).toBe(false);
    expect(same(undefined, null)).toBe(true);
    expect(same('x', 'x')).toBe(true);
    expect(same(0, null)).toBe(false);
    expect(same(1, '1')).toBe(false);
  });
});
