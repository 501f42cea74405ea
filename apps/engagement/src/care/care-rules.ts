import { addCalendarDays as addDays, endOfCalendarDay as endOfDayIn, startOfCalendarDay as startOfDayIn } from '@crm/working-calendar';
import { hasRole, isPartner, type Caller } from '@crm/auth';
import { assertNever, ConflictError } from '@crm/kernel';

/*
 * Customer care (docs/domain/engagement.md, care): greetings and the yearly December tasks as tasks for the
 * customer's owner, and gifts and entertainment recorded with the filing rule and a gift budget. Days are calendar
 * days (`YYYY-MM-DD`) of the working calendar's time zone; the service turns them into instants.
 */

export const careTaskKinds = ['BIRTHDAY_GREETING', 'HOLIDAY_GREETING', 'NEW_YEAR_GIFT', 'DEMAND_PLAN_REQUEST'] as const;
export type CareTaskKind = (typeof careTaskKinds)[number];
export const careTaskStatuses = ['OPEN', 'DONE', 'SKIPPED'] as const;
export type CareTaskStatus = (typeof careTaskStatuses)[number];

export const careExpenseKinds = ['GIFT', 'ENTERTAINMENT'] as const;
export type CareExpenseKind = (typeof careExpenseKinds)[number];
export const careExpenseStatuses = ['PENDING_APPROVAL', 'APPROVED', 'REJECTED'] as const;
export type CareExpenseStatus = (typeof careExpenseStatuses)[number];

/** accounts' customer categories, which the gift budget is set per. */
export const customerCategories = ['KEY', 'TARGET', 'GENERAL', 'POTENTIAL'] as const;
export type CustomerCategory = (typeof customerCategories)[number];

/**
 * Customers who get no care tasks. accounts has no "lost" lifecycle today; LOST is listed so that one added later
 * is left out as well. Dormant customers keep getting greetings: a greeting is a reason to call.
 */
export const NO_CARE_LIFECYCLES: readonly string[] = ['BAD', 'REMOVED', 'LOST'];

export function receivesCare(lifecycle: string): boolean {
  return !NO_CARE_LIFECYCLES.includes(lifecycle);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(day: string): [number, number, number] {
  const match = DAY.exec(day);
  if (!match) throw new RangeError(`not a YYYY-MM-DD day: ${JSON.stringify(day)}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** The calendar day `n` days after `day`, the first and the last instant of a day in a time zone (@crm/working-calendar). */
export { addDays, startOfDayIn, endOfDayIn };

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The day a birthday is greeted in `year`: its month and day; 29 February falls on 28 February in other years. */
export function birthdayIn(birthday: string, year: number): string {
  const [, month, day] = parts(birthday);
  const greeted = month === 2 && day === 29 && !isLeapYear(year) ? 28 : day;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(greeted).padStart(2, '0')}`;
}

/** Birthday greeting days in [from, to] (inclusive), never before the person was born. */
export function birthdayGreetingDays(birthday: string, from: string, to: string): string[] {
  const days: string[] = [];
  for (let year = parts(from)[0]; year <= parts(to)[0]; year += 1) {
    const day = birthdayIn(birthday, year);
    if (day >= from && day <= to && day > birthday) days.push(day);
  }
  return days;
}

/**
 * Holiday greeting days in [from, to]: the first day of each holiday period. A holiday continues the period of an
 * earlier holiday when only days off lie between them (a weekend inside a long holiday), so a week off is greeted once.
 */
export function holidayGreetingDays(holidays: readonly string[], isWorkingDay: (day: string) => boolean, from: string, to: string): string[] {
  const all = new Set(holidays);
  const starts: string[] = [];
  for (const holiday of [...all].sort()) {
    if (holiday < from || holiday > to) continue;
    let continues = false;
    // Two weeks back is further than any run of days off between two holidays of one period.
    for (let back = 1, day = addDays(holiday, -1); back <= 14 && !isWorkingDay(day); back += 1, day = addDays(day, -1)) {
      if (all.has(day)) {
        continues = true;
        break;
      }
    }
    if (!continues) starts.push(holiday);
  }
  return starts;
}

/**
 * The year whose December tasks (the New-Year gift and the request for next year's demand plan) are generated when
 * the job looks at [today, horizonEnd]: from the horizon's first reach into December to the end of December; null
 * otherwise. The tasks are due on 31 December of that year.
 */
export function decemberYear(today: string, horizonEnd: string): number | null {
  const [year, month] = parts(today);
  if (month === 12) return year;
  return horizonEnd >= `${year}-12-01` ? year : null;
}

/** What one pass of the generation looks at: today and the horizon's last day, the holiday periods starting in it. */
export interface CareWindow {
  today: string;
  horizonEnd: string;
  /** First days of the holiday periods within [today, horizonEnd] (holidayGreetingDays). */
  holidayStarts: readonly string[];
  /** The year whose December tasks are due (decemberYear), or null. */
  decemberYear: number | null;
}

/** One task the generation makes: its kind, its day and the day or year that keys it. */
export interface DueCareTask {
  kind: CareTaskKind;
  dueOn: string;
  keyedBy: string | number;
}

/**
 * The care tasks a customer is due in the window: a birthday greeting for an individual whose birthday falls in it,
 * a greeting for each holiday period starting in it, and in December the New-Year gift and the request for next
 * year's demand plan, due on 31 December, for active customers only (a prospect has no demand plan to ask for).
 */
export function careTasksDue(customer: { kind: string; lifecycle: string; birthday: string | null }, window: CareWindow): DueCareTask[] {
  if (!receivesCare(customer.lifecycle)) return [];
  const due: DueCareTask[] = [];
  if (customer.kind === 'INDIVIDUAL' && customer.birthday) {
    for (const day of birthdayGreetingDays(customer.birthday, window.today, window.horizonEnd)) due.push({ kind: 'BIRTHDAY_GREETING', dueOn: day, keyedBy: day });
  }
  for (const day of window.holidayStarts) due.push({ kind: 'HOLIDAY_GREETING', dueOn: day, keyedBy: day });
  if (window.decemberYear !== null && customer.lifecycle === 'ACTIVE') {
    const dueOn = `${window.decemberYear}-12-31`;
    due.push({ kind: 'NEW_YEAR_GIFT', dueOn, keyedBy: window.decemberYear }, { kind: 'DEMAND_PLAN_REQUEST', dueOn, keyedBy: window.decemberYear });
  }
  return due;
}

/** What a task asks the owner to do, in words. */
export function careTaskTitle(kind: CareTaskKind, customerName: string, dueOn: string, holidayName?: string | null): string {
  switch (kind) {
    case 'BIRTHDAY_GREETING':
      return `Birthday greeting for ${customerName}`;
    case 'HOLIDAY_GREETING':
      return `Holiday greeting for ${customerName} (${holidayName ?? dueOn})`;
    case 'NEW_YEAR_GIFT':
      return `New-Year gift for ${customerName}`;
    case 'DEMAND_PLAN_REQUEST':
      return `Ask ${customerName} for the demand plan of ${Number(dueOn.slice(0, 4)) + 1}`;
    default:
      return assertNever(kind, 'care task kind');
  }
}

/** Platform jobs, the general manager and the coordinator may run the generation on demand. */
export function mayGenerateCareTasks(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'general_manager', 'coordinator', 'internal_app');
}

/** The customer's department manager (or the general manager) decides a gift above the budget, never their own. */
export function mayDecideExpense(caller: Caller, expense: { departmentId: string; recordedBy: string }): boolean {
  if (isPartner(caller) || expense.recordedBy === caller.userId) return false;
  if (hasRole(caller, 'general_manager')) return true;
  return hasRole(caller, 'department_manager') && caller.departmentId === expense.departmentId;
}

/** The unique key of a care task: one per customer, kind and day (a year for the December tasks). */
export function careTaskKey(customerId: string, kind: CareTaskKind, dayOrYear: string | number): string {
  return `${customerId}:${kind}:${dayOrYear}`;
}

/** OPEN → DONE (with a note) or SKIPPED (with a reason); a closed task is a CONFLICT. */
export function careTaskTransition(status: CareTaskStatus, action: 'COMPLETE' | 'SKIP'): CareTaskStatus {
  if (status !== 'OPEN') throw new ConflictError(`The care task is ${status.toLowerCase()} already`);
  return action === 'COMPLETE' ? 'DONE' : 'SKIPPED';
}

/** accounts' stable reason codes of an expense refusal (its expenseAllowed check), as engagement applies them. */
export type ExpenseRefusalReason = 'CUSTOMER_NOT_FOUND' | 'CUSTOMER_REMOVED' | 'CUSTOMER_NOT_FILED';

/**
 * Whether a gift or entertainment may be recorded for a customer, from what accounts announced of it: refused for a
 * customer engagement has not heard of, a removed one, and one not filed (or whose filing accounts has not announced).
 */
export function expenseRefusal(customer: { lifecycle: string; filed?: boolean | null } | null): { reason: ExpenseRefusalReason; message: string } | null {
  if (!customer) return { reason: 'CUSTOMER_NOT_FOUND', message: 'accounts has not announced this customer to engagement yet' };
  if (customer.lifecycle === 'REMOVED') return { reason: 'CUSTOMER_REMOVED', message: 'the customer was removed from the archive' };
  if (customer.filed === true) return null;
  const why = customer.filed === false ? 'the customer is not filed (备案) yet' : 'accounts has not announced that the customer is filed';
  return { reason: 'CUSTOMER_NOT_FILED', message: `${why}; expenses are refused until it is` };
}

export interface Amount {
  amountMinor: number;
  currency: string;
}

/** The gift budget of a customer's category; a customer without one counts as POTENTIAL (accounts' default). */
export function giftBudget(budgets: Readonly<Record<CustomerCategory, number>>, currency: string, category: string | null | undefined): Amount {
  const known = (customerCategories as readonly string[]).includes(category ?? '') ? (category as CustomerCategory) : 'POTENTIAL';
  return { amountMinor: budgets[known], currency };
}

/**
 * How a new expense starts: entertainment and a gift within the budget (up to and including it) are APPROVED at
 * once; a gift above it, or in another currency than the budget's (no rate to compare), waits for the manager.
 */
export function statusOnRecord(kind: CareExpenseKind, amount: Amount, budget: Amount): CareExpenseStatus {
  if (kind !== 'GIFT') return 'APPROVED';
  if (amount.currency !== budget.currency) return 'PENDING_APPROVAL';
  return amount.amountMinor <= budget.amountMinor ? 'APPROVED' : 'PENDING_APPROVAL';
}

/** Only an expense waiting for approval is decided; anything else is a CONFLICT. */
export function expenseDecision(status: CareExpenseStatus, approve: boolean): CareExpenseStatus {
  if (status !== 'PENDING_APPROVAL') throw new ConflictError(`The expense is ${status.toLowerCase().replace('_', ' ')}; only one waiting for approval is decided`);
  return approve ? 'APPROVED' : 'REJECTED';
}

/** `KEY=200000,TARGET=100000,…` → budgets per category (minor units); every category must be given. */
export function parseBudgets(raw: string): { budgets: Record<CustomerCategory, number> } | { problem: string } {
  const budgets: Partial<Record<CustomerCategory, number>> = {};
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [name, value] = entry.split('=').map((p) => p.trim());
    if (!(customerCategories as readonly string[]).includes(name)) return { problem: `unknown category ${JSON.stringify(name)} (one of ${customerCategories.join(', ')})` };
    if (!/^\d{1,12}$/.test(value ?? '')) return { problem: `${name}: the budget must be a whole number of minor units` };
    budgets[name as CustomerCategory] = Number(value);
  }
  const missing = customerCategories.filter((c) => budgets[c] === undefined);
  if (missing.length > 0) return { problem: `no budget for ${missing.join(', ')}` };
  return { budgets: budgets as Record<CustomerCategory, number> };
}
