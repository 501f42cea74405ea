import { BadUserInputError } from '@crm/kernel';
import type { CustomerRecord } from '../customers/customer.model';
import { creditGrades, KEY_CUSTOMER_MIN_STAFF, type CreditGrade, type SalesTierRecord } from './classification.model';

/** The staff serving a customer: the owner first, then the others assigned, each once. */
export function staffOf(customer: Pick<CustomerRecord, 'ownerId' | 'assignedStaffIds'>): string[] {
  return [...new Set([customer.ownerId, ...(customer.assignedStaffIds ?? [])])];
}

/**
 * A KEY customer gets its own relationship card and exclusive service from at least two staff (docs/domain/accounts.md).
 * Blamed on the member that broke the rule: importance when it just became KEY, else the staff list.
 */
export function keyCustomerStaffing(next: Pick<CustomerRecord, 'importance' | 'ownerId' | 'assignedStaffIds'>, current: Pick<CustomerRecord, 'importance'> | null): BadUserInputError | null {
  if (next.importance !== 'KEY') return null;
  if (staffOf(next).length >= KEY_CUSTOMER_MIN_STAFF) return null;
  const field = current?.importance === 'KEY' ? 'input.assignedStaffIds' : 'input.importance';
  return new BadUserInputError(field, `a KEY customer needs at least ${KEY_CUSTOMER_MIN_STAFF} assigned staff (the owner and at least one more)`);
}

export function creditGradeRank(grade: CreditGrade): number {
  return creditGrades.indexOf(grade);
}

/** Credit's grade replaces ours only when it comes from a later profile revision (events may arrive late or twice). */
export function isNewerCreditGrade(current: Pick<CustomerRecord, 'creditGradeRevision'>, revision: number): boolean {
  return (current.creditGradeRevision ?? 0) < revision;
}

/** A tier for a later period wins; for the same period, the later computation wins. */
export function isNewerSalesTier(current: SalesTierRecord | null | undefined, candidate: Pick<SalesTierRecord, 'periodEnd' | 'asOf'>): boolean {
  if (!current) return true;
  if (candidate.periodEnd !== current.periodEnd) return candidate.periodEnd > current.periodEnd;
  return candidate.asOf.getTime() > new Date(current.asOf).getTime();
}
