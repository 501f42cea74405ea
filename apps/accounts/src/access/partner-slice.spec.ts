import type { Caller, Role } from '@crm/auth';
import { ForbiddenError } from '@crm/kernel';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { partnerListRefusal, partnerOrganisationProfile, partnerOrganisationProfileFields, partnerWithheldCustomerFields, refusePartners, withheldFrom } from './partner-slice';

const caller = (roles: Role[], extra: Partial<Caller> = {}): Caller => ({ userId: 'u', roles, token: 't', ...extra });
const partner = caller(['partner'], { partnerId: 'P-1' });
const staff: [string, Caller][] = [
  ['a consultant', caller(['consultant'], { departmentId: 'D-EAST' })],
  ['a department manager', caller(['department_manager'], { departmentId: 'D-EAST' })],
  ['the general manager', caller(['general_manager'])],
  ['marketing', caller(['marketing'])],
];

const filters = partnerWithheldCustomerFields.flatMap((w) => w.filters.map((filter) => [filter, w.field] as const));
const sorts = partnerWithheldCustomerFields.flatMap((w) => w.sorts.map((sort) => [sort, w.field] as const));

/** The members of `CustomerFilter` and values of `CustomerSortField` as the accounts SDL declares them. */
function sdlMembers(typeKeyword: 'input CustomerFilter' | 'enum CustomerSortField'): string[] {
  const dir = join(__dirname, '../../../../schema/accounts');
  const members: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql'))) {
    const sdl = readFileSync(join(dir, file), 'utf8');
    const blocks = sdl.matchAll(new RegExp(`(?:extend )?${typeKeyword} \\{([\\s\\S]*?)\\n\\}`, 'g'));
    for (const [, body] of blocks) {
      const withoutDescriptions = body.replace(/"""[\s\S]*?"""/g, '').replace(/"[^"\n]*"/g, '');
      members.push(...[...withoutDescriptions.matchAll(/^\s+([A-Za-z_]+)\b/gm)].map((m) => m[1]));
    }
  }
  return members;
}

// Everything a partner may filter or sort on: the card's basics it reads anyway.
const partnerFilters = ['kind', 'listType', 'lifecycle', 'lifecycles', 'region', 'ownerId', 'departmentId', 'partnerId', 'nameContains', 'verifiedBefore', 'stale', 'category', 'importance', 'route'];
const partnerSorts = ['CREATED_AT', 'UPDATED_AT', 'NAME', 'LAST_VERIFIED_AT', 'REGION', 'OWNER', 'DEPARTMENT', 'LIFECYCLE', 'KIND', 'LIST_TYPE', 'CATEGORY', 'IMPORTANCE', 'ROUTE_ORDER'];

describe('the partner slice of the customer list', () => {
  it.each(filters)('refuses a partner filtering on %s (%s is withheld) with FORBIDDEN naming filter.<member>', (member) => {
    const refusal = partnerListRefusal(partner, { [member]: member === 'reviewDueBefore' ? '2030-01-01T00:00:00Z' : 'X' }, null);
    expect(refusal).toBeInstanceOf(ForbiddenError);
    expect(refusal?.details).toEqual({ field: `filter.${member}` });
  });

  it.each(filters)('lets a partner pass %s as null (absent) and staff filter on it', (member) => {
    expect(partnerListRefusal(partner, { [member]: null }, null)).toBeNull();
    for (const [, who] of staff) expect(partnerListRefusal(who, { [member]: 'X' }, null)).toBeNull();
  });

  it.each(filters)('refuses %s as false too: a boolean filter reveals as much either way', (member) => {
    expect(partnerListRefusal(partner, { [member]: false }, null)?.details).toEqual({ field: `filter.${member}` });
  });

  it.each(sorts)('refuses a partner sorting by %s (%s is withheld) with FORBIDDEN naming sort.field', (sort) => {
    expect(partnerListRefusal(partner, {}, { field: sort })?.details).toEqual({ field: 'sort.field' });
    for (const [, who] of staff) expect(partnerListRefusal(who, {}, { field: sort })).toBeNull();
  });

  it.each(partnerFilters)('lets a partner filter on %s (a field it reads)', (member) => {
    expect(partnerListRefusal(partner, { [member]: 'X' }, null)).toBeNull();
  });

  it.each(partnerSorts)('lets a partner sort by %s', (sort) => {
    expect(partnerListRefusal(partner, {}, { field: sort })).toBeNull();
  });

  it('treats a token with a partner id and a staff role as a partner', () => {
    expect(partnerListRefusal(caller(['general_manager'], { partnerId: 'P-1' }), { creditGrade: 'A' }, null)?.details).toEqual({ field: 'filter.creditGrade' });
  });

  it('classifies every filter member and sort order of the SDL: withheld from partners, or readable by them', () => {
    expect(new Set(sdlMembers('input CustomerFilter'))).toEqual(new Set([...filters.map(([f]) => f), ...partnerFilters]));
    expect(new Set(sdlMembers('enum CustomerSortField'))).toEqual(new Set([...sorts.map(([s]) => s), ...partnerSorts]));
  });

  it.each(partnerWithheldCustomerFields.map((w) => w.field))('withholds Customer.%s from partners only', (field) => {
    expect(withheldFrom(partner, field)).toBe(true);
    for (const [, who] of staff) expect(withheldFrom(who, field)).toBe(false);
  });
});

describe('the organisation profile a partner reads', () => {
  const profile = {
    enterpriseNature: 'PRIVATE',
    supervisingUnit: 'Bureau',
    legalRepresentative: 'Zhang Wei',
    manager: 'Li Na',
    registrationNumber: '91310000MA1',
    companySize: 'MEDIUM',
    employeeCount: 120,
    establishedOn: '2001-05-01',
    registeredCapital: { amount: 100, currency: 'CNY' },
    assets: { amount: 900, currency: 'CNY' },
  };

  it('keeps who the company is and nulls the people and the financials', () => {
    expect(partnerOrganisationProfile(profile)).toEqual({ enterpriseNature: 'PRIVATE', registrationNumber: '91310000MA1', companySize: 'MEDIUM' });
    expect(partnerOrganisationProfileFields).toEqual(['enterpriseNature', 'registrationNumber', 'companySize']);
  });

  it('answers null for a member that is not recorded', () => {
    expect(partnerOrganisationProfile({ companySize: 'SMALL' })).toEqual({ enterpriseNature: null, registrationNumber: null, companySize: 'SMALL' });
  });
});

describe('staff-only operations', () => {
  it('refuse a partner with FORBIDDEN, whatever roles its token also claims', () => {
    expect(() => refusePartners(partner, 'overdueFilings')).toThrow(ForbiddenError);
    expect(() => refusePartners(caller(['general_manager'], { partnerId: 'P-1' }), 'overdueFilings')).toThrow(ForbiddenError);
    for (const [, who] of staff) expect(() => refusePartners(who, 'overdueFilings')).not.toThrow();
  });
});
