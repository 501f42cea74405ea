import { isPartner, type Caller } from '@crm/auth';
import { ForbiddenError } from '@crm/kernel';

/*
 * What a partner portal reads of the archive (docs/adr/0015-partner-slice.md). Beyond the card's basics, every
 * field below is withheld from partners (null or empty), so a partner may neither filter nor sort the customer
 * list on it either: the list would reveal the value it withholds (which linked customers are grade D, which
 * are overdue for filing...).
 */

/** A customer field a partner never reads, with the list arguments that would reveal it. */
export interface PartnerWithheldField {
  /** The field on `Customer`. */
  field: string;
  /** Members of `CustomerFilter` over it. */
  filters: readonly string[];
  /** Values of `CustomerSortField` over it. */
  sorts: readonly string[];
}

/** The one list of customer fields withheld from partners; resolvers and list arguments both follow it. */
export const partnerWithheldCustomerFields: readonly PartnerWithheldField[] = [
  { field: 'salesTier', filters: ['salesTier'], sorts: ['SALES_TIER'] },
  { field: 'creditGrade', filters: ['creditGrade'], sorts: ['CREDIT_GRADE'] },
  { field: 'filing', filters: ['filingStatus', 'filingOverdue'], sorts: ['FILING_DUE_AT'] },
  { field: 'listReview', filters: ['reviewOverdue', 'reviewDueBefore'], sorts: ['REVIEW_DUE_AT'] },
  { field: 'qualification', filters: ['qualificationStage', 'qualificationStatus'], sorts: [] },
  { field: 'possibleDuplicates', filters: ['possibleDuplicate'], sorts: [] },
  // The staff serving a customer are internal; a partner reads only the owner (its contact at the company).
  { field: 'assignedStaff', filters: ['assignedStaffId'], sorts: [] },
  { field: 'loyalty', filters: ['loyalty'], sorts: ['LOYALTY'] },
  { field: 'lastVerifiedBy', filters: [], sorts: [] },
  { field: 'needs', filters: [], sorts: [] },
  { field: 'characteristics', filters: [], sorts: [] },
  { field: 'managementStatus', filters: [], sorts: [] },
  { field: 'tradingStatus', filters: [], sorts: [] },
  { field: 'competitorNotes', filters: [], sorts: [] },
  { field: 'industryNotes', filters: [], sorts: [] },
  { field: 'history', filters: [], sorts: [] },
  { field: 'changes', filters: [], sorts: [] },
];

/** The members of `OrganisationProfile` a partner portal needs: who the company is, to deal with it. The rest is null. */
export const partnerOrganisationProfileFields = ['enterpriseNature', 'registrationNumber', 'companySize'] as const;

const withheldFilters = new Map(partnerWithheldCustomerFields.flatMap((w) => w.filters.map((filter) => [filter, w.field] as const)));
const withheldSorts = new Map(partnerWithheldCustomerFields.flatMap((w) => w.sorts.map((sort) => [sort, w.field] as const)));

/** Whether `Customer.<field>` is withheld from the caller. */
export function withheldFrom(caller: Caller, field: string): boolean {
  return isPartner(caller) && partnerWithheldCustomerFields.some((w) => w.field === field);
}

/**
 * FORBIDDEN naming the first list argument that would reveal a field withheld from the caller (`filter.salesTier`,
 * `sort.field`); null when the arguments are fine. Checked before anything is read.
 */
export function partnerListRefusal(caller: Caller, filter: Record<string, unknown> | null | undefined, sort: { field: string } | null | undefined): ForbiddenError | null {
  if (!isPartner(caller)) return null;
  for (const [member, value] of Object.entries(filter ?? {})) {
    const field = withheldFilters.get(member);
    if (field && value !== null && value !== undefined) {
      return new ForbiddenError(`Partners may not filter customers by ${member}: ${field} is withheld from partners`, { field: `filter.${member}` });
    }
  }
  const sorted = sort ? withheldSorts.get(sort.field) : undefined;
  if (sort && sorted) return new ForbiddenError(`Partners may not sort customers by ${sort.field}: ${sorted} is withheld from partners`, { field: 'sort.field' });
  return null;
}

/** The organisation profile as a partner reads it: only the members it needs, the others null. */
export function partnerOrganisationProfile<P extends object>(profile: P): Partial<P> {
  const members = profile as Record<string, unknown>;
  return Object.fromEntries(partnerOrganisationProfileFields.map((member) => [member, members[member] ?? null])) as Partial<P>;
}

/** FORBIDDEN for a partner on a staff-only query or mutation. */
export function refusePartners(caller: Caller, what: string): void {
  if (isPartner(caller)) throw new ForbiddenError(`${what} is for staff only: partners may not use it`);
}
