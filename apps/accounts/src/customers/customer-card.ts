import { BadUserInputError, type InputProblem } from '@crm/kernel';
import { differenceInYears } from 'date-fns';
import { cardGroups, type CardGroup, type CreateCustomerInput, type CustomerCardChanges } from './customer-input';
import type { CustomerKind, CustomerRecord, IndividualProfileRecord } from './customer.model';
import type { ChangeEntry } from './customer-store';

/** Scalar members of the card an update replaces as a whole (a list such as contacts counts as one value). */
const scalarMembers = ['name', 'listType', 'industry', 'region', 'address', 'tradingSince', 'contacts', 'lifecycle', 'partnerIds', 'competitorNotes', 'industryNotes'] as const;

/** Which list types a kind of customer may be on: the problem, if any, at `field`. */
export function kindAndListTypeProblems(kind: CustomerKind, listType: string, field = 'input.listType'): InputProblem[] {
  if (kind === 'ORGANISATION' && listType === 'INDIVIDUAL') return [{ field, message: 'an organisation cannot be on the INDIVIDUAL list' }];
  if (kind === 'INDIVIDUAL' && !['INDIVIDUAL', 'BUSINESS_PARTNER'].includes(listType)) return [{ field, message: 'a person can only be on the INDIVIDUAL or BUSINESS_PARTNER list' }];
  return [];
}

/** The variant of basic data must match the kind: organisation data for organisations, personal data for people. */
export function kindVariantProblems(kind: CustomerKind, input: { organisation?: unknown; individual?: unknown }, prefix = 'input'): InputProblem[] {
  if (kind === 'ORGANISATION' && input.individual) return [{ field: `${prefix}.individual`, message: 'is only for INDIVIDUAL customers' }];
  if (kind === 'INDIVIDUAL' && input.organisation) return [{ field: `${prefix}.organisation`, message: 'is only for ORGANISATION customers' }];
  return [];
}

/** Days that cannot lie in the future (birthday, established, trading since): one problem each. */
export function pastDayProblems(input: Partial<CreateCustomerInput> | CustomerCardChanges, today: string, prefix = 'input'): InputProblem[] {
  const days: [string, string | null | undefined][] = [
    [`${prefix}.tradingSince`, input.tradingSince],
    [`${prefix}.organisation.establishedOn`, input.organisation?.establishedOn],
    [`${prefix}.individual.birthday`, input.individual?.birthday],
  ];
  return days.filter(([, day]) => day && day > today).map(([field]) => ({ field, message: 'cannot lie in the future' }));
}

/** One BAD_USER_INPUT listing every problem, when there is any. */
export function refuseProblems(problems: readonly InputProblem[]): void {
  if (problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
}

export function checkKindAndListType(kind: CustomerKind, listType: string, field = 'input.listType'): void {
  refuseProblems(kindAndListTypeProblems(kind, listType, field));
}

export function checkKindVariant(kind: CustomerKind, input: { organisation?: unknown; individual?: unknown }, prefix = 'input'): void {
  refuseProblems(kindVariantProblems(kind, input, prefix));
}

export function checkPastDays(input: Partial<CreateCustomerInput> | CustomerCardChanges, today: string, prefix = 'input'): void {
  refuseProblems(pastDayProblems(input, today, prefix));
}

/** The card members of a new customer, from validated input. */
export function cardOf(input: CreateCustomerInput) {
  return {
    name: input.name,
    kind: input.kind,
    listType: input.listType,
    industry: input.industry ?? null,
    region: input.region ?? null,
    address: input.address ?? null,
    tradingSince: input.tradingSince ?? null,
    contacts: input.contacts,
    partnerIds: input.partnerIds,
    organisation: input.kind === 'ORGANISATION' ? stripUndefined(input.organisation ?? {}) : null,
    individual: input.kind === 'INDIVIDUAL' ? stripUndefined(input.individual ?? {}) : null,
    needs: stripUndefined(input.needs ?? { focusPoints: [] }),
    characteristics: stripUndefined(input.characteristics ?? {}),
    managementStatus: stripUndefined(input.managementStatus ?? {}),
    tradingStatus: stripUndefined(input.tradingStatus ?? {}),
    competitorNotes: input.competitorNotes ?? null,
    industryNotes: input.industryNotes ?? null,
  };
}

/**
 * What an update changes: `$set` entries (a group is replaced by its merged value, since a member cannot be
 * set inside a null group) and one history entry per member that really changed (`organisation.assets`…).
 */
export function cardChanges(current: CustomerRecord, input: CustomerCardChanges): { set: Record<string, unknown>; changes: ChangeEntry[] } {
  const set: Record<string, unknown> = {};
  const changes: ChangeEntry[] = [];
  for (const member of scalarMembers) {
    if (!(member in input) || input[member] === undefined) continue;
    const before = current[member] ?? null;
    const after = input[member] ?? null;
    if (!same(before, after)) {
      set[member] = after;
      changes.push({ field: member, before, after });
    }
  }
  for (const group of Object.keys(cardGroups) as CardGroup[]) {
    const patch = input[group] as Record<string, unknown> | undefined;
    if (!patch) continue;
    const existing = (current[group] ?? {}) as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...existing };
    for (const [member, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const before = existing[member] ?? null;
      const after = value ?? null;
      if (same(before, after)) continue;
      merged[member] = after;
      changes.push({ field: `${group}.${member}`, before, after });
    }
    if (changes.some((c) => c.field.startsWith(`${group}.`))) set[group] = merged;
  }
  return { set, changes };
}

/** What IndividualProfile's fields resolve from: each personal field is audited only when it is asked for. */
export interface IndividualView {
  customer: CustomerRecord;
  profile: IndividualProfileRecord;
}

/** The age shown for a person: from the birthday when known (at `now`), else the age as recorded. */
export function ageOf(individual: IndividualProfileRecord, now: Date): number | null {
  if (individual.birthday) return differenceInYears(now, new Date(`${individual.birthday}T00:00:00Z`));
  return individual.age ?? null;
}

/** Equal as data: key order and absent-versus-null members do not count as a change. */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value.constructor === Object) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, canonical(v)]);
    return Object.fromEntries(entries);
  }
  return typeof value === 'object' ? String(value) : value;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
