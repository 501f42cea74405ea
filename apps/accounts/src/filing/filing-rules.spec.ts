import { fixedClock } from '@crm/kernel';
import { WorkingCalendar } from '@crm/working-calendar';
import type { CustomerRecord } from '../customers/customer.model';
import { changeToReport, expenseDecision, expenseKinds, fileNow, filingOf, filingSet, filingStatus, filingStatuses, isOverdue, newFiling, overdueObligation, reportNow } from './filing-rules';

// Shanghai working calendar: 2025-10-01..07 National Day, Saturday 2025-09-28 and 2025-10-11 make-up workdays.
const calendar = new WorkingCalendar({ timeZone: 'Asia/Shanghai', holidays: ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07'], makeUpWorkdays: ['2025-09-28', '2025-10-11'] });
const shanghai = (local: string) => new Date(`${local}+08:00`);

describe('filing rules (备案 within 5 working days)', () => {
  it('makes a filing due at the end of the 5th working day after the first contact', () => {
    // Monday 10:00 → the following Monday, 23:59:59.999 Shanghai time.
    expect(newFiling(shanghai('2025-03-03T10:00:00'), 'D-EAST', calendar).dueAt.toISOString()).toBe('2025-03-10T15:59:59.999Z');
    // Friday evening → the next Friday.
    expect(newFiling(shanghai('2025-03-07T19:30:00'), 'D-EAST', calendar).dueAt.toISOString()).toBe('2025-03-14T15:59:59.999Z');
  });

  it('skips public holidays and counts make-up workdays', () => {
    // Friday 26 Sep: Sun 28 (make-up), Mon 29, Tue 30, then the holiday week, Wed 8 Oct is the 4th, Thu 9 Oct the 5th.
    expect(newFiling(shanghai('2025-09-26T09:00:00'), 'D-EAST', calendar).dueAt.toISOString()).toBe(shanghai('2025-10-09T23:59:59.999').toISOString());
  });

  it('is UNFILED until the deadline passes, then FILING_OVERDUE; filing late is still filing', () => {
    const clock = fixedClock(shanghai('2025-03-03T10:00:00'));
    const filing = newFiling(clock.now(), 'D-EAST', calendar);
    expect(filingStatus(filing, clock.now())).toBe('UNFILED');
    clock.set(shanghai('2025-03-10T23:59:59'));
    expect(filingStatus(filing, clock.now())).toBe('UNFILED');
    expect(isOverdue(filing, clock.now())).toBe(false);
    clock.set(shanghai('2025-03-11T00:00:00'));
    expect(filingStatus(filing, clock.now())).toBe('FILING_OVERDUE');
    expect(overdueObligation(filing)).toBe('FILING');
    const filed = { ...filing, ...fileNow(filing, clock.now(), 'alice') };
    expect(filingStatus(filed, clock.now())).toBe('FILED');
    expect(isOverdue(filed, clock.now())).toBe(false);
    expect(fileNow(filed, clock.now(), 'bob')).toBeNull();
  });

  it('opens a change report at the first change after filing, keeps its deadline for later changes, and closes it when reported', () => {
    const filed = { ...newFiling(shanghai('2025-03-03T10:00:00'), 'D-EAST', calendar), filedAt: shanghai('2025-03-04T10:00:00'), filedBy: 'alice', nextDueAt: null };
    expect(changeToReport({ ...filed, filedAt: null }, shanghai('2025-03-04T11:00:00'), calendar)).toBeNull();
    const opened = { ...filed, ...changeToReport(filed, shanghai('2025-03-05T11:00:00'), calendar) };
    expect(opened.changeReportDueAt?.toISOString()).toBe(shanghai('2025-03-12T23:59:59.999').toISOString());
    expect(opened.nextDueAt).toEqual(opened.changeReportDueAt);
    expect(changeToReport(opened, shanghai('2025-03-07T11:00:00'), calendar)).toBeNull();
    expect(filingStatus(opened, shanghai('2025-03-12T12:00:00'))).toBe('CHANGES_UNREPORTED');
    expect(filingStatus(opened, shanghai('2025-03-13T00:00:00'))).toBe('CHANGE_REPORT_OVERDUE');
    expect(overdueObligation(opened)).toBe('CHANGE_REPORT');
    const reported = { ...opened, ...reportNow(opened, shanghai('2025-03-13T09:00:00'), 'mgr') };
    expect(filingStatus(reported, shanghai('2025-03-13T09:00:00'))).toBe('FILED');
    expect(reported).toMatchObject({ lastReportedBy: 'mgr', nextDueAt: null, overdueRaisedAt: null });
    expect(reportNow(reported, shanghai('2025-03-13T10:00:00'), 'mgr')).toBeNull();
  });

  it('treats customers archived before filing was tracked as filed when created', () => {
    const createdAt = new Date('2024-01-01T00:00:00Z');
    expect(filingOf({ filing: null, createdAt, departmentId: 'D-EAST' })).toMatchObject({ filedAt: createdAt, nextDueAt: null });
  });

  it('refuses expenses for unfiled, removed and unknown customers with a stable reason', () => {
    const now = shanghai('2025-03-04T10:00:00');
    const customer = (patch: Partial<CustomerRecord>) => ({ lifecycle: 'ACTIVE' as const, createdAt: now, departmentId: 'D-EAST', filing: newFiling(now, 'D-EAST', calendar), ...patch });
    expect(expenseDecision(null, now).reason).toBe('CUSTOMER_NOT_FOUND');
    expect(expenseDecision(customer({}), now)).toMatchObject({ allowed: false, reason: 'CUSTOMER_NOT_FILED' });
    expect(expenseDecision(customer({ lifecycle: 'REMOVED' }), now).reason).toBe('CUSTOMER_REMOVED');
    expect(expenseDecision(customer({ filing: { ...newFiling(now, 'D-EAST', calendar), filedAt: now } }), now)).toEqual({ allowed: true, reason: 'ALLOWED', message: expect.any(String) });
  });
});

describe('filing rules at their edges', () => {
  const now = shanghai('2025-03-04T10:00:00');
  const filing = newFiling(shanghai('2025-03-03T10:00:00'), 'D-EAST', calendar);

  it('opens the whole filing obligation of a new customer', () => {
    expect(filing).toStrictEqual({
      firstContactAt: shanghai('2025-03-03T10:00:00'),
      firstContactDepartmentId: 'D-EAST',
      dueAt: shanghai('2025-03-10T23:59:59.999'),
      filedAt: null,
      filedBy: null,
      unreportedChangeSince: null,
      changeReportDueAt: null,
      nextDueAt: shanghai('2025-03-10T23:59:59.999'),
      overdueRaisedAt: null,
    });
  });

  it('is overdue only once the pending deadline has passed, not at the deadline itself', () => {
    const due = filing.nextDueAt!;
    expect(isOverdue(filing, due)).toBe(false);
    expect(isOverdue(filing, new Date(due.getTime() + 1))).toBe(true);
    expect(isOverdue({ ...filing, nextDueAt: null }, new Date(due.getTime() + 1))).toBe(false);
    expect(filingStatus(filing, due)).toBe('UNFILED');
    const changed = { ...filing, filedAt: now, changeReportDueAt: due };
    expect(filingStatus(changed, due)).toBe('CHANGES_UNREPORTED');
    expect(filingStatus(changed, new Date(due.getTime() + 1))).toBe('CHANGE_REPORT_OVERDUE');
  });

  it('files a customer: who and when, clearing whatever was pending', () => {
    expect(fileNow(filing, now, 'alice')).toStrictEqual({ filedAt: now, filedBy: 'alice', unreportedChangeSince: null, changeReportDueAt: null, nextDueAt: null, overdueRaisedAt: null });
  });

  it('opens a change report due 5 working days after the change, clearing an earlier overdue mark', () => {
    const changedAt = shanghai('2025-03-05T11:00:00');
    expect(changeToReport({ ...filing, filedAt: now, overdueRaisedAt: now }, changedAt, calendar)).toStrictEqual({
      unreportedChangeSince: changedAt,
      changeReportDueAt: shanghai('2025-03-12T23:59:59.999'),
      nextDueAt: shanghai('2025-03-12T23:59:59.999'),
      overdueRaisedAt: null,
    });
  });

  it('reports the changes: who and when, nothing left pending; nothing to report before filing', () => {
    const pending = { ...filing, filedAt: now, unreportedChangeSince: now };
    const later = shanghai('2025-03-06T09:00:00');
    expect(reportNow(pending, later, 'mgr')).toStrictEqual({ unreportedChangeSince: null, changeReportDueAt: null, lastReportedAt: later, lastReportedBy: 'mgr', nextDueAt: null, overdueRaisedAt: null });
    expect(reportNow({ ...pending, filedAt: null }, later, 'mgr')).toBeNull();
  });

  it('takes the filing stored on the customer as it is', () => {
    expect(filingOf({ filing, createdAt: now, departmentId: 'D-WEST' })).toBe(filing);
    expect(filingOf({ filing: null, createdAt: now, departmentId: 'D-WEST' })).toStrictEqual({
      firstContactAt: now,
      firstContactDepartmentId: 'D-WEST',
      dueAt: now,
      filedAt: now,
      filedBy: null,
      nextDueAt: null,
    });
  });

  const customer = (patch: Partial<CustomerRecord>) => ({ lifecycle: 'ACTIVE' as const, createdAt: now, departmentId: 'D-EAST', filing, ...patch });

  it('refuses expenses for an unknown or removed customer, whatever its filing', () => {
    expect(expenseDecision(null, now)).toStrictEqual({ allowed: false, reason: 'CUSTOMER_NOT_FOUND', message: 'No such customer within your reach' });
    expect(expenseDecision(customer({ lifecycle: 'REMOVED', filing: { ...filing, filedAt: now } }), now)).toStrictEqual({
      allowed: false,
      reason: 'CUSTOMER_REMOVED',
      message: 'The customer was removed from the archive',
    });
  });

  it('says when the filing of an unfiled customer is or was due', () => {
    expect(expenseDecision(customer({}), now)).toStrictEqual({
      allowed: false,
      reason: 'CUSTOMER_NOT_FILED',
      message: 'The customer is not filed yet (filing is due by 2025-03-10T15:59:59.999Z); expenses are refused until it is',
    });
    expect(expenseDecision(customer({}), filing.dueAt).message).toContain('filing is due by');
    expect(expenseDecision(customer({}), new Date(filing.dueAt.getTime() + 1)).message).toBe(
      'The customer is not filed yet (filing was due by 2025-03-10T15:59:59.999Z); expenses are refused until it is',
    );
  });

  it('allows expenses for a filed customer, and for one archived before filing was tracked', () => {
    expect(expenseDecision(customer({ filing: { ...filing, filedAt: now } }), now)).toStrictEqual({ allowed: true, reason: 'ALLOWED', message: 'The customer is filed' });
    expect(expenseDecision(customer({ filing: null }), now)).toMatchObject({ allowed: true });
  });

  it('writes a filing change member by member, or the whole filing when the customer has none stored', () => {
    expect(filingSet({ filing, createdAt: now, departmentId: 'D-EAST' }, { filedAt: now, filedBy: 'alice' })).toStrictEqual({ 'filing.filedAt': now, 'filing.filedBy': 'alice' });
    expect(filingSet({ filing: null, createdAt: now, departmentId: 'D-EAST' }, { unreportedChangeSince: now })).toStrictEqual({
      filing: { firstContactAt: now, firstContactDepartmentId: 'D-EAST', dueAt: now, filedAt: now, filedBy: null, nextDueAt: null, unreportedChangeSince: now },
    });
  });

  it('lists the filing statuses and expense kinds clients may see', () => {
    expect(filingStatuses).toEqual(['UNFILED', 'FILING_OVERDUE', 'FILED', 'CHANGES_UNREPORTED', 'CHANGE_REPORT_OVERDUE']);
    expect(expenseKinds).toEqual(['ENTERTAINMENT', 'TRAVEL', 'GIFT', 'OTHER']);
  });
});
