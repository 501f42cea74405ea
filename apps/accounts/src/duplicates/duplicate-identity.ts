import type { CustomerRecord } from '../customers/customer.model';
import type { DuplicateMatch, NormalisedIdentity } from './duplicates.model';

/** Legal-form words that do not tell two companies apart ("Acme Tools Co., Ltd." is "ACME TOOLS"). */
const legalForms = [
  'company limited',
  'co ltd',
  'limited',
  'ltd',
  'incorporated',
  'inc',
  'corporation',
  'corp',
  'llc',
  'plc',
  'gmbh',
  'co',
  '股份有限公司',
  '有限责任公司',
  '有限公司',
  '公司',
];

/** Lower case, no punctuation or spaces, no trailing legal form. */
export function normaliseName(name: string): string {
  let text = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  for (let next = stripLegalForm(text); next !== text && next.length > 0; next = stripLegalForm(text)) text = next;
  return text.replace(/\s+/g, '');
}

function stripLegalForm(text: string): string {
  for (const form of legalForms) {
    if (text.endsWith(` ${form}`)) return text.slice(0, -form.length - 1).trim();
    // Chinese names have no space before the legal form.
    if (/\p{Script=Han}/u.test(form) && text.endsWith(form) && text.length > form.length) return text.slice(0, -form.length).trim();
  }
  return text;
}

/**
 * Digits only, without the international prefix for China (00 / +86) or the trunk 0, so "+86 21 5123 4567"
 * and "021-5123-4567" are the same number. Null when too short to identify anyone.
 */
export function normalisePhone(phone: string): string | null {
  let digits = phone.replace(/\D/g, '');
  if (digits.startsWith('00')) digits = digits.slice(2);
  if (digits.startsWith('86') && digits.length >= 12) digits = digits.slice(2);
  digits = digits.replace(/^0+/, '');
  return digits.length >= 5 ? digits : null;
}

export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export function normaliseRegistrationNumber(value: string): string {
  return value
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '');
}

/** The normalised identity of a customer, from its card. */
export function identityOf(customer: Pick<CustomerRecord, 'name' | 'contacts' | 'organisation'>): NormalisedIdentity {
  const phones = customer.contacts.map((c) => (c.phone ? normalisePhone(c.phone) : null)).filter((p): p is string => Boolean(p));
  const emails = customer.contacts.map((c) => (c.email ? normaliseEmail(c.email) : null)).filter((e): e is string => Boolean(e));
  const registration = customer.organisation?.registrationNumber;
  return {
    name: normaliseName(customer.name),
    sortName: customer.name.trim().toLowerCase(),
    phones: [...new Set(phones)],
    emails: [...new Set(emails)],
    registrationNumber: registration ? normaliseRegistrationNumber(registration) : null,
  };
}

/** Mongo criteria for customers sharing any identifying value. */
export function sameIdentityCriteria(identity: Pick<NormalisedIdentity, 'name' | 'phones' | 'emails' | 'registrationNumber'>): Record<string, unknown>[] {
  const criteria: Record<string, unknown>[] = [];
  if (identity.name) criteria.push({ 'normalized.name': identity.name });
  if (identity.phones.length) criteria.push({ 'normalized.phones': { $in: identity.phones } });
  if (identity.emails.length) criteria.push({ 'normalized.emails': { $in: identity.emails } });
  if (identity.registrationNumber) criteria.push({ 'normalized.registrationNumber': identity.registrationNumber });
  return criteria;
}

/** What two identities share. */
export function matchesBetween(a: Pick<NormalisedIdentity, 'name' | 'phones' | 'emails' | 'registrationNumber'>, b: NormalisedIdentity | undefined | null): DuplicateMatch[] {
  if (!b) return [];
  const matches: DuplicateMatch[] = [];
  if (a.name && a.name === b.name) matches.push('NAME');
  if (a.phones.some((p) => b.phones.includes(p))) matches.push('PHONE');
  if (a.emails.some((e) => b.emails.includes(e))) matches.push('EMAIL');
  if (a.registrationNumber && a.registrationNumber === b.registrationNumber) matches.push('REGISTRATION_NUMBER');
  return matches;
}
