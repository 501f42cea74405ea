import { customerMergedV1 } from '@crm/contracts';
import { createEvent } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, parseInput } from '@crm/kernel';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { CustomerAccess } from '../access/customer-access';
import { staffOf } from '../classification/classification-rules';
import type { CustomerExtension } from '../customers/customer-extensions';
import { emailAddress, phoneNumber } from '../customers/customer-input';
import type { CustomerStore } from '../customers/customer-store';
import type { ContactRecord, CustomerRecord } from '../customers/customer.model';
import type { CustomersService } from '../customers/customers.service';
import { identityOf, matchesBetween, normaliseEmail, normaliseName, normalisePhone, normaliseRegistrationNumber, sameIdentityCriteria } from './duplicate-identity';
import type { DuplicateCandidateRecord, DuplicateMatch, NormalisedIdentity } from './duplicates.model';

/** Enough candidates to act on; a name shared by more customers than this is not a duplicate signal. */
const MAX_CANDIDATES = 20;

const mergeInput = z.object({ survivorId: z.string(), duplicateId: z.string() });
const dismissInput = z.object({ customerId: z.string(), candidateId: z.string() });

const probeInput = z
  .object({
    name: z.string().trim().min(1).max(200).nullish(),
    phones: z.array(phoneNumber).max(20).nullish(),
    emails: z.array(emailAddress).max(20).nullish(),
    registrationNumber: z.string().trim().min(1).max(30).nullish(),
  })
  .refine((p) => p.name || p.phones?.length || p.emails?.length || p.registrationNumber, { message: 'give at least a name, phone, email or registration number' });

export interface DuplicateCandidate {
  customerId: string;
  matchedOn: DuplicateMatch[];
}

/** Duplicates (docs/domain/accounts.md): flagged at creation from normalised copies, merged on request. */
export class DuplicatesService {
  constructor(
    private readonly store: CustomerStore,
    private readonly customers: CustomersService,
  ) {}

  extension(): CustomerExtension {
    return {
      name: 'duplicates',
      // One query for every new customer of the request; a later one is also flagged against the earlier ones.
      onCreateMany: async (contexts) => {
        const identities = contexts.map(({ draft }) => identityOf(draft));
        const archive = await this.candidatesOfMany(identities);
        return contexts.map(({ now }, k) => {
          const earlier = contexts
            .slice(0, k)
            .map((other, j) => ({ customerId: String(other.draft._id), matchedOn: matchesBetween(identities[k], identities[j]) }))
            .filter((c) => c.matchedOn.length > 0);
          const candidates = [...archive[k], ...earlier].slice(0, MAX_CANDIDATES);
          return {
            normalized: identities[k],
            duplicateCandidates: candidates.map((c) => ({ customerId: new Types.ObjectId(c.customerId), matchedOn: c.matchedOn, flaggedAt: now })),
            mergedInto: null,
            mergedFrom: [],
          };
        });
      },
      // Keep the normalised copies in step with the card.
      derive: (set, current) => {
        if (!('name' in set) && !('contacts' in set) && !('organisation' in set)) return {};
        const next = { ...current, ...set } as CustomerRecord;
        return { normalized: identityOf(next) };
      },
      filter: (filter) => {
        if (filter.possibleDuplicate === true) return [{ 'duplicateCandidates.0': { $exists: true } }];
        if (filter.possibleDuplicate === false) return [{ 'duplicateCandidates.0': { $exists: false } }];
        return [];
      },
    };
  }

  /** Customers sharing a normalised name, phone, email or registration number (not merged, not `except`). */
  async candidates(identity: Pick<NormalisedIdentity, 'name' | 'phones' | 'emails' | 'registrationNumber'>, except?: Types.ObjectId): Promise<DuplicateCandidate[]> {
    const criteria = sameIdentityCriteria(identity);
    if (criteria.length === 0) return [];
    const rows = await this.store.model
      .find({ mergedInto: null, ...(except ? { _id: { $ne: except } } : {}), $or: criteria }, { normalized: 1 })
      .limit(MAX_CANDIDATES)
      .lean<Pick<CustomerRecord, '_id' | 'normalized'>[]>();
    return rows.map((row) => ({ customerId: String(row._id), matchedOn: matchesBetween(identity, row.normalized) })).filter((c) => c.matchedOn.length > 0);
  }

  /** `candidates` for several identities with one query: per identity, the customers sharing a value with it. */
  async candidatesOfMany(identities: readonly Pick<NormalisedIdentity, 'name' | 'phones' | 'emails' | 'registrationNumber'>[]): Promise<DuplicateCandidate[][]> {
    const values = (pick: (identity: (typeof identities)[number]) => (string | null | undefined)[]) => [...new Set(identities.flatMap(pick).filter((v): v is string => Boolean(v)))];
    const criteria = sameIdentityCriteria({ name: '', phones: values((i) => i.phones), emails: values((i) => i.emails), registrationNumber: null });
    const names = values((i) => [i.name]);
    const registrations = values((i) => [i.registrationNumber]);
    if (names.length) criteria.push({ 'normalized.name': { $in: names } });
    if (registrations.length) criteria.push({ 'normalized.registrationNumber': { $in: registrations } });
    if (criteria.length === 0) return identities.map(() => []);
    const rows = await this.store.model
      .find({ mergedInto: null, $or: criteria }, { normalized: 1 })
      .limit(MAX_CANDIDATES * identities.length)
      .lean<Pick<CustomerRecord, '_id' | 'normalized'>[]>();
    return identities.map((identity) =>
      rows
        .map((row) => ({ customerId: String(row._id), matchedOn: matchesBetween(identity, row.normalized) }))
        .filter((c) => c.matchedOn.length > 0)
        .slice(0, MAX_CANDIDATES),
    );
  }

  /** Look before creating: who in the archive shares these identifying values. */
  probe(rawInput: unknown): Promise<DuplicateCandidate[]> {
    const input = parseInput(probeInput, rawInput);
    return this.candidates({
      name: input.name ? normaliseName(input.name) : '',
      phones: (input.phones ?? []).map(normalisePhone).filter((p): p is string => Boolean(p)),
      emails: (input.emails ?? []).map(normaliseEmail),
      registrationNumber: input.registrationNumber ? normaliseRegistrationNumber(input.registrationNumber) : null,
    });
  }

  /** "Not the same customer" (`input.customerId` is not `input.candidateId`): the flag goes, kept in the history. */
  async dismiss(access: CustomerAccess, rawInput: unknown): Promise<CustomerRecord> {
    const { customerId, candidateId } = parseInput(dismissInput, rawInput);
    const id = await this.customers.editableId(access, customerId);
    return this.store.modify(id, actorOf(access.caller), (current) => {
      const flagged = (current.duplicateCandidates ?? []).find((c) => String(c.customerId) === candidateId);
      if (!flagged) return null;
      return { pull: { duplicateCandidates: { customerId: flagged.customerId } }, changes: [{ field: 'duplicateDismissed', before: candidateId, after: null }] };
    });
  }

  /**
   * Merge `input.duplicateId` into `input.survivorId`: contacts, partners, staff and history move to the survivor; the
   * duplicate stays only as a redirect (its id reads as the survivor) and crm.accounts.customer.merged tells
   * other services to re-point. Two single-document writes in an order that a retry completes.
   */
  async merge(access: CustomerAccess, rawInput: unknown): Promise<CustomerRecord> {
    const { survivorId, duplicateId } = parseInput(mergeInput, rawInput);
    if (survivorId === duplicateId) throw new BadUserInputError('input.duplicateId', 'must be another customer than the survivor');
    const survivor = await this.customers.findVisible(access, survivorId);
    if (!survivor || String(survivor._id) !== survivorId) throw new NotFoundError('Customer', survivorId);
    const duplicateRaw = Types.ObjectId.isValid(duplicateId) ? await this.store.model.findById(duplicateId, { mergedInto: 1, ownerId: 1, departmentId: 1, partnerIds: 1, kind: 1 }).lean<CustomerRecord>() : null;
    if (duplicateRaw?.mergedInto && String(duplicateRaw.mergedInto) === survivorId) return survivor; // done before: a retry
    const duplicate = await this.customers.findVisible(access, duplicateId);
    if (!duplicate || String(duplicate._id) !== duplicateId) throw new NotFoundError('Customer', duplicateId);
    if (!access.canEdit(survivor) || !access.canEdit(duplicate)) throw new ForbiddenError('You may only merge customers you may change');
    if (survivor.kind !== duplicate.kind) throw new BadUserInputError('input.duplicateId', `cannot merge a ${duplicate.kind} customer into a ${survivor.kind} one`);

    const actor = actorOf(access.caller);
    const duplicateObjectId = duplicate._id;
    const history = (await this.store.historyOf([duplicateId])).get(duplicateId) ?? [];
    // 1. The survivor takes over what the duplicate knew (skipped when a previous attempt got this far).
    const merged = await this.store.modify(survivor._id, actor, (current) => {
      if (current.mergedInto) throw new ConflictError('The survivor was itself merged meanwhile; merge into its survivor');
      if ((current.mergedFrom ?? []).some((id) => id.equals(duplicateObjectId))) return null;
      const contacts = mergeContacts(current.contacts, duplicate.contacts);
      const partnerIds = [...new Set([...current.partnerIds, ...duplicate.partnerIds])];
      const assignedStaffIds = [...new Set([...staffOf(current), ...staffOf(duplicate)])];
      return {
        set: { contacts, partnerIds, assignedStaffIds },
        push: { mergedFrom: [duplicateObjectId] },
        pull: { duplicateCandidates: { customerId: duplicateObjectId } },
        changes: [
          { field: 'merged', before: null, after: { customerId: duplicateId, name: duplicate.name } },
          ...(contacts.length !== current.contacts.length ? [{ field: 'contacts', before: current.contacts, after: contacts }] : []),
          ...(partnerIds.length !== current.partnerIds.length ? [{ field: 'partnerIds', before: current.partnerIds, after: partnerIds }] : []),
          ...(assignedStaffIds.length !== staffOf(current).length ? [{ field: 'assignedStaffIds', before: staffOf(current), after: assignedStaffIds }] : []),
        ],
        rawHistory: history.map((entry) => ({ ...entry, mergedFrom: duplicateObjectId })),
      };
    });
    // 2. The duplicate becomes a redirect; the merged event commits with it.
    await this.store.modify(duplicateObjectId, actor, (current) => {
      if (current.mergedInto) return null;
      const now = this.store.now();
      return {
        set: { mergedInto: merged._id, lifecycle: 'REMOVED', duplicateCandidates: [] },
        changes: [
          { field: 'mergedInto', before: null, after: String(merged._id) },
          { field: 'lifecycle', before: current.lifecycle, after: 'REMOVED' },
        ],
        events: [
          createEvent(customerMergedV1, {
            subject: duplicateId,
            actor,
            time: now,
            data: { survivorId: String(merged._id), duplicateId, survivorOwnerConsultantId: merged.ownerId, survivorDepartmentId: merged.departmentId, mergedAt: now.toISOString() },
          }),
        ],
      };
    });
    return merged;
  }

  /** The flags of a customer as they stand now (a candidate merged meanwhile reads as its survivor). */
  async candidatesOf(customer: CustomerRecord, load: (ids: string[]) => Promise<(CustomerRecord | null)[]>): Promise<{ candidate: CustomerRecord; flag: DuplicateCandidateRecord }[]> {
    const flags = customer.duplicateCandidates ?? [];
    const loaded = await load(flags.map((f) => String(f.customerId)));
    const seen = new Set<string>([String(customer._id)]);
    const result: { candidate: CustomerRecord; flag: DuplicateCandidateRecord }[] = [];
    flags.forEach((flag, i) => {
      const candidate = loaded[i];
      if (!candidate || seen.has(String(candidate._id))) return;
      seen.add(String(candidate._id));
      result.push({ candidate, flag });
    });
    return result;
  }
}

/** The survivor's contacts plus the duplicate's that are not the same person (same phone, email, or name and title). */
function mergeContacts(survivor: ContactRecord[], duplicate: ContactRecord[]): ContactRecord[] {
  const key = (c: ContactRecord) => [c.phone ? normalisePhone(c.phone) : null, c.email ? normaliseEmail(c.email) : null, `${normaliseName(c.name)}|${(c.title ?? '').toLowerCase()}`];
  const known = new Set(survivor.flatMap((c) => key(c).filter(Boolean)));
  const added = duplicate.filter((c) => !key(c).some((k) => k && known.has(k)));
  return [...survivor, ...added];
}
