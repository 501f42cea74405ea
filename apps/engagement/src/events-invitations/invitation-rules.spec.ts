import { confirmationCountsFor, listClosed, listClosesAt, mayInvite, mayResolveConflicts } from './invitation-rules';

const TZ = 'Asia/Shanghai';
const cst = (local: string) => new Date(`${local}+08:00`);

describe('a confirmation counts for the day it is made, or the next one from 18:00 (the calendar time zone)', () => {
  it.each([
    ['17:59', '2025-06-10T17:59:00', '2025-06-10'],
    ['17:59:59.999', '2025-06-10T17:59:59.999', '2025-06-10'],
    ['18:00', '2025-06-10T18:00:00', '2025-06-11'],
    ['18:01', '2025-06-10T18:01:00', '2025-06-11'],
    ['23:59', '2025-06-10T23:59:00', '2025-06-11'],
    ['00:00', '2025-06-11T00:00:00', '2025-06-11'],
    ['18:00 on the last day of the month', '2025-06-30T18:00:00', '2025-07-01'],
  ])('at %s', (_, at, day) => {
    expect(confirmationCountsFor(cst(at), TZ)).toBe(day);
  });

  it('reads the hour in the calendar time zone, not UTC', () => {
    // 10:30 UTC is 18:30 in China: the next day there; 09:59 UTC is 17:59 there.
    expect(confirmationCountsFor(new Date('2025-06-10T10:30:00Z'), TZ)).toBe('2025-06-11');
    expect(confirmationCountsFor(new Date('2025-06-10T09:59:00Z'), TZ)).toBe('2025-06-10');
    expect(confirmationCountsFor(new Date('2025-06-10T10:30:00Z'), 'UTC')).toBe('2025-06-10');
  });
});

describe('the invitation list closes on the event day at 10:00 (afternoon) or 16:00 (evening)', () => {
  it.each([
    ['AFTERNOON', '2025-06-20T09:59:59', false],
    ['AFTERNOON', '2025-06-20T10:00:00', true],
    ['AFTERNOON', '2025-06-20T10:01:00', true],
    ['AFTERNOON', '2025-06-19T23:00:00', false],
    ['EVENING', '2025-06-20T10:00:00', false],
    ['EVENING', '2025-06-20T15:59:59', false],
    ['EVENING', '2025-06-20T16:00:00', true],
    ['EVENING', '2025-06-21T09:00:00', true],
  ] as const)('%s event, at %s: closed %s', (timeOfDay, at, closed) => {
    expect(listClosed(cst(at), { date: '2025-06-20', timeOfDay }, TZ)).toBe(closed);
  });

  it('names the closing instant', () => {
    expect(listClosesAt('2025-06-20', 'AFTERNOON', TZ).toISOString()).toBe('2025-06-20T02:00:00.000Z');
    expect(listClosesAt('2025-06-20', 'EVENING', TZ).toISOString()).toBe('2025-06-20T08:00:00.000Z');
  });
});

describe('who takes part in invitations', () => {
  it('lets department staff invite, only the coordinator resolve, partners nothing', () => {
    expect(mayInvite({ userId: 'a', roles: ['consultant'], departmentId: 'D-EAST', token: 't' })).toBe(true);
    expect(mayInvite({ userId: 'a', roles: ['consultant'], token: 't' })).toBe(false);
    expect(mayInvite({ userId: 'p', roles: ['partner'], departmentId: 'D-EAST', token: 't' })).toBe(false);
    expect(mayResolveConflicts({ userId: 'c', roles: ['coordinator'], token: 't' })).toBe(true);
    expect(mayResolveConflicts({ userId: 'm', roles: ['department_manager'], departmentId: 'D-EAST', token: 't' })).toBe(false);
  });
});
