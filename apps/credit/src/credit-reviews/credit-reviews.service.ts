import type { Caller } from '@crm/auth';
import { creditReviewOverdueV1 } from '@crm/contracts';
import { InvalidPageArgsError, pageSize, type Connection, type PageArgs } from '@crm/data';
import { createEvent, withEvents } from '@crm/events';
import { dateTimeInput, ForbiddenError, parseInput, type Clock } from '@crm/kernel';
import type { Model, QueryFilter } from 'mongoose';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CreditProfileRecord } from '../credit-profiles/credit-profile.model';
import { maySetCreditTerms } from '../credit-profiles/credit-profiles.service';
import { daysOverdue, MAX_REVIEW_WINDOW_DAYS, overdueEventDue, reviewHorizon, reviewStatusOf, type ReviewDueStatus } from './review-rules';

/** Who reads the reviews due: the ones who review, finance and the general manager. */
export const mayReadCreditReviews = maySetCreditTerms;

/** A review due or overdue, as CreditReviewDue resolves it. */
export interface CreditReviewDueRecord {
  profile: CreditProfileRecord;
  status: ReviewDueStatus;
  daysOverdue: number;
}

const asOfArg = dateTimeInput.nullish();
const withinDaysArg = z.number().int('must be a whole number of days').min(0, 'cannot be negative').max(MAX_REVIEW_WINDOW_DAYS, `must be at most ${MAX_REVIEW_WINDOW_DAYS}`).nullish();

/** The actor of the review watch's events. */
export const REVIEW_WATCH_ACTOR = 'system:credit-review';

/** Overdue events raised per run of the watch at most (the next run takes the rest). */
const WATCH_BATCH = 500;

interface ReviewCursor {
  d: string;
  id: string;
}

const encode = (profile: Pick<CreditProfileRecord, '_id' | 'nextReviewDue'>) => Buffer.from(`rv:${JSON.stringify({ d: profile.nextReviewDue.toISOString(), id: profile._id })}`).toString('base64url');

function decode(cursor: string): { due: Date; id: string } {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  let parsed: ReviewCursor | undefined;
  try {
    parsed = raw.startsWith('rv:') ? (JSON.parse(raw.slice(3)) as ReviewCursor) : undefined;
  } catch {
    parsed = undefined;
  }
  const due = parsed ? new Date(parsed.d) : new Date(Number.NaN);
  if (!parsed || typeof parsed.id !== 'string' || Number.isNaN(due.getTime())) throw new InvalidPageArgsError('after', 'not a cursor from this list');
  return { due, id: parsed.id };
}

/** The credit review's reads (reviews due and overdue) and the watch raising crm.credit.review.overdue once. */
export class CreditReviewsService {
  constructor(
    private readonly profiles: Model<CreditProfileRecord>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Profiles whose review is overdue at `asOf` (default now) or falls due within `withinDays` (default 30), the
   * earliest due first (then by customer id); `first`/`after` page forwards.
   */
  async due(caller: Caller, args: { asOf?: unknown; withinDays?: number | null } & Pick<PageArgs, 'first' | 'after' | 'countTotal'>): Promise<Connection<CreditReviewDueRecord>> {
    if (!mayReadCreditReviews(caller)) throw new ForbiddenError('Only finance and the general manager read the credit reviews due');
    // Query arguments: an error names the argument itself (field `withinDays`), not an input path.
    const asOf = parseInput(asOfArg, args.asOf, 'asOf') ?? this.clock.now();
    const withinDays = parseInput(withinDaysArg, args.withinDays, 'withinDays') ?? 30;
    const size = pageSize({ first: args.first });
    const base: QueryFilter<CreditProfileRecord> = { nextReviewDue: { $lte: reviewHorizon(asOf, withinDays) } };
    const after = args.after ? decode(args.after) : null;
    const window: QueryFilter<CreditProfileRecord> = after ? { $and: [base, { $or: [{ nextReviewDue: { $gt: after.due } }, { nextReviewDue: after.due, _id: { $gt: after.id } }] }] } : base;
    const [rows, totalCount, before] = await Promise.all([
      this.profiles.find(window, { pendingEvents: 0 }).sort({ nextReviewDue: 1, _id: 1 }).limit(size + 1).lean<CreditProfileRecord[]>(),
      args.countTotal === false ? undefined : this.profiles.countDocuments(base),
      after ? this.profiles.exists({ $and: [base, { $or: [{ nextReviewDue: { $lt: after.due } }, { nextReviewDue: after.due, _id: { $lte: after.id } }] }] }) : null,
    ]);
    const edges = rows.slice(0, size).map((profile) => ({
      cursor: encode(profile),
      node: { profile, status: reviewStatusOf(profile.nextReviewDue, asOf, withinDays)!, daysOverdue: daysOverdue(profile.nextReviewDue, asOf) },
    }));
    return { edges, pageInfo: { hasNextPage: rows.length > size, hasPreviousPage: Boolean(before), startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
  }

  /**
   * The review watch: for each profile whose review is past due and not yet announced for this due date, one write
   * marks the due date raised and carries crm.credit.review.overdue (the filter on the previous mark makes a
   * concurrent watch, or a review in between, match nothing: once per profile and due date).
   */
  async raiseOverdue(): Promise<number> {
    const now = this.clock.now();
    const candidates = await this.profiles
      .find({ nextReviewDue: { $lt: now } }, { grade: 1, nextReviewDue: 1, reviewedAt: 1, revision: 1, reviewOverdueRaisedFor: 1 })
      .sort({ nextReviewDue: 1, _id: 1 })
      .lean<CreditProfileRecord[]>();
    let raised = 0;
    for (const profile of candidates.filter((p) => overdueEventDue(p, now)).slice(0, WATCH_BATCH)) {
      const event = createEvent(creditReviewOverdueV1, {
        subject: profile._id,
        actor: { userId: REVIEW_WATCH_ACTOR, roles: [] },
        time: now,
        data: { customerId: profile._id, grade: profile.grade, dueAt: profile.nextReviewDue.toISOString(), reviewedAt: profile.reviewedAt.toISOString(), revision: profile.revision },
      });
      const result = await this.profiles.updateOne(
        { _id: profile._id, nextReviewDue: profile.nextReviewDue, reviewOverdueRaisedFor: profile.reviewOverdueRaisedFor ?? null },
        withEvents<CreditProfileRecord>({ $set: { reviewOverdueRaisedFor: profile.nextReviewDue } }, event),
      );
      raised += result.modifiedCount;
    }
    if (raised > 0) this.logger.info({ raised }, 'credit reviews overdue announced');
    return raised;
  }
}
