import { hasRole, isPartner, type Caller } from '@crm/auth';
import { creditProfileChangedV1, customerIdSchema } from '@crm/contracts';
import { isDuplicateKeyError } from '@crm/data';
import { createEvent, StaleRevisionError, updateVersioned } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, parseInput, type Clock } from '@crm/kernel';
import type { Model } from 'mongoose';
import { creditProfileInput } from './credit-profile-input';
import type { CreditProfileChangeRecord, CreditProfileRecord, CreditTermsRecord } from './credit-profile.model';
import { latestNextReview, policyViolations } from './credit-policy';
import { type CustomerScopeDirectory } from '@crm/customer-scope';

/** Who sets credit terms: finance and the general manager; never a partner. */
export function maySetCreditTerms(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'finance', 'general_manager');
}

/** Credit reviews: who may set a customer's terms, what the policy allows, and the history each review leaves. */
export class CreditProfilesService {
  constructor(
    readonly profiles: Model<CreditProfileRecord>,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
  ) {}

  /** Create or review a profile; `input.expectedRevision` is the revision the caller read (0: none yet). */
  async set(caller: Caller, rawInput: unknown): Promise<CreditProfileRecord> {
    if (!maySetCreditTerms(caller)) throw new ForbiddenError('Only finance and the general manager set credit terms');
    const input = parseInput(creditProfileInput, rawInput);
    const customerId = input.customerId;
    const now = this.clock.now();
    const terms: CreditTermsRecord = {
      grade: input.grade,
      creditLimit: input.creditLimit,
      currency: input.currency,
      paymentTermDays: input.paymentTermDays,
      frozen: input.frozen,
      nextReviewDue: input.nextReviewDue ?? latestNextReview(input.grade, now),
    };
    const violations = policyViolations(terms, now).map((v) => ({ field: `input.${v.field}`, message: v.message }));
    if (violations.length > 0) throw new BadUserInputError(violations[0].field, violations[0].message, violations);
    // Finance and the general manager see every customer; the check keeps the rule in one place should that change.
    if (!(await this.scopes.canSee(caller, customerId, now))) throw new NotFoundError('Customer', customerId);

    const current = await this.profiles.findById(customerId).lean<CreditProfileRecord>();
    const currentRevision = current?.revision ?? 0;
    if (currentRevision !== input.expectedRevision) {
      throw new ConflictError(`The credit profile is at revision ${currentRevision}, not ${input.expectedRevision}; reload and try again`);
    }
    const change: CreditProfileChangeRecord = { at: now, by: caller.userId, before: current ? termsOf(current) : null, after: terms };
    const event = createEvent(creditProfileChangedV1, {
      subject: customerId,
      actor: actorOf(caller),
      time: now,
      data: {
        customerId,
        grade: terms.grade,
        previousGrade: current?.grade ?? null,
        creditLimit: terms.creditLimit,
        currency: terms.currency,
        paymentTermDays: terms.paymentTermDays,
        frozen: terms.frozen,
        revision: currentRevision + 1,
      },
    });
    // A review that confirms the same terms is still a review: it moves reviewedAt and is kept in the history.
    const reviewed = { ...terms, reviewedAt: now, reviewedBy: caller.userId };

    // Either way one single-document write: the terms, their history entry and the event commit together.
    if (!current) {
      try {
        const created = await this.profiles.create({ _id: customerId, ...reviewed, revision: 1, history: [change], pendingEvents: [event] });
        return created.toObject();
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new ConflictError('A credit profile was just created for this customer; reload and try again');
        throw error;
      }
    }
    try {
      return await updateVersioned(this.profiles, current, { $set: reviewed, $push: { history: change } }, [event]);
    } catch (error) {
      if (error instanceof StaleRevisionError) throw new ConflictError('The credit profile was changed by someone else; reload and try again');
      throw error;
    }
  }

  /** One customer's profile (the credit check, an invoice's payment term); null when finance has set none. */
  async findByCustomerId(customerId: string): Promise<CreditProfileRecord | null> {
    return this.profiles.findById(customerId).lean<CreditProfileRecord>();
  }

  findByCustomerIds(customerIds: readonly string[]): Promise<CreditProfileRecord[]> {
    const valid = customerIds.filter((id) => customerIdSchema.safeParse(id).success);
    return this.profiles.find({ _id: { $in: valid } }).lean<CreditProfileRecord[]>().exec();
  }
}

function termsOf(profile: CreditProfileRecord): CreditTermsRecord {
  const { grade, creditLimit, currency, paymentTermDays, frozen, nextReviewDue } = profile;
  return { grade, creditLimit, currency, paymentTermDays, frozen, nextReviewDue };
}
