import { staffAfterHandover, wouldLoseKeyStaffing } from './handover-rules';

describe('handover rules', () => {
  it('puts the replacement in the leaver\'s place, owner first', () => {
    expect(staffAfterHandover({ ownerId: 'leaver', assignedStaffIds: ['leaver', 'bob'] }, 'leaver', 'heir')).toEqual(['heir', 'bob']);
    expect(staffAfterHandover({ ownerId: 'alice', assignedStaffIds: ['alice', 'leaver'] }, 'leaver', 'heir')).toEqual(['alice', 'heir']);
  });

  it('spots a KEY customer whose replacement already served it (two staff would become one)', () => {
    expect(wouldLoseKeyStaffing({ importance: 'KEY', ownerId: 'leaver', assignedStaffIds: ['leaver', 'heir'] }, 'leaver', 'heir')).toBe(true);
    expect(wouldLoseKeyStaffing({ importance: 'KEY', ownerId: 'leaver', assignedStaffIds: ['leaver', 'bob'] }, 'leaver', 'heir')).toBe(false);
    expect(wouldLoseKeyStaffing({ importance: 'GENERAL', ownerId: 'leaver', assignedStaffIds: ['leaver', 'heir'] }, 'leaver', 'heir')).toBe(false);
  });
});

describe('handover rules at their edges', () => {
  it('keeps the replacement once when they already served the customer', () => {
    expect(staffAfterHandover({ ownerId: 'leaver', assignedStaffIds: ['leaver', 'heir', 'bob'] }, 'leaver', 'heir')).toEqual(['heir', 'bob']);
  });

  it('leaves the staff as they are when the leaver did not serve the customer', () => {
    expect(staffAfterHandover({ ownerId: 'alice', assignedStaffIds: ['alice', 'bob'] }, 'leaver', 'heir')).toEqual(['alice', 'bob']);
  });

  it('keeps a KEY customer served by three when the replacement already was one of them', () => {
    expect(wouldLoseKeyStaffing({ importance: 'KEY', ownerId: 'leaver', assignedStaffIds: ['leaver', 'heir', 'bob'] }, 'leaver', 'heir')).toBe(false);
  });
});
