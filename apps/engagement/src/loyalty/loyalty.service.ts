import { isPartner, type Caller } from '@crm/auth';
import type { CustomerScopeDirectory } from '@crm/customer-scope';
import { customerIdSchema, loyaltyPointsEarnedV1, loyaltyPointsRedeemedV1, type EventData, type invoiceSettledV1 } from '@crm/contracts';
import { createOnce, idempotencyKeyOf, isDuplicateKeyError, type StoredIdempotencyKey } from '@crm/data';
import { createEvent, type CloudEvent, type EventActor } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, idempotencyKeyInput, parseInput, type Clock } from '@crm/kernel';
import type { WorkingCalendarCopy } from '@crm/working-calendar';
import { Types } from 'mongoose';
import { z } from 'zod';
import { requiredText } from '../common/text-input';
import type { LoyaltyEntryRecord, LoyaltyModels } from './loyalty.model';
import { balanceAfter, cooperationYears, formatAmount, purchasePointsFor, redemptionKinds, type LoyaltyEntryKind } from './loyalty-rules';

const redeemInput = z.object({
  idempotencyKey: idempotencyKeyInput,
  customerId: customerIdSchema,
  points: z.number().int().min(1, 'must be at least 1').max(1_000_000),
  kind: z.enum(redemptionKinds),
  description: requiredText(500),
});

const SYSTEM_ACTOR: EventActor = { userId: 'system:loyalty', roles: ['internal_app'] };
/** Writers racing for the same place in a ledger retry this often before giving up with a CONFLICT. */
const APPEND_ATTEMPTS = 5;

interface Append {
  customerId: string;
  points: number;
  kind: LoyaltyEntryKind;
  description: string;
  sourceKey?: string;
  actor: EventActor;
  stored?: StoredIdempotencyKey;
}

/** The points ledger: earnings (purchases, anniversaries) and redemptions; the balance is derived from it. */
export class LoyaltyService {
  constructor(
    readonly models: LoyaltyModels,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
    private readonly calendar: WorkingCalendarCopy,
    private readonly anniversaryPoints: number,
    /** Currency units (yuan) a purchase point takes. */
    private readonly purchaseUnitsPerPoint: number,
  ) {}

  async redeem(caller: Caller, rawInput: unknown): Promise<LoyaltyEntryRecord> {
    if (isPartner(caller)) throw new ForbiddenError('Partners cannot redeem loyalty points');
    const input = parseInput(redeemInput, rawInput);
    if (!(await this.scopes.canSee(caller, input.customerId, this.clock.now()))) throw new BadUserInputError('input.customerId', 'no such customer');
    return createOnce(this.models.entries, idempotencyKeyOf(caller.userId, input.idempotencyKey), (stored) =>
      this.append({ customerId: input.customerId, points: -input.points, kind: input.kind, description: input.description, actor: actorOf(caller), stored }),
    );
  }

  /**
   * crm.credit.invoice.settled: points for the purchase the customer has paid in full, rounded down. The invoice is
   * the source key, so a redelivered event (same id) or a second announcement of the invoice finds the entry.
   */
  earnForSettledInvoice(event: CloudEvent<EventData<typeof invoiceSettledV1>>): Promise<LoyaltyEntryRecord | null> {
    const { invoiceId, customerId, amount } = event.data;
    const points = purchasePointsFor(amount, this.purchaseUnitsPerPoint);
    return this.earnForPurchase(`credit:invoice:${invoiceId}`, customerId, points, `Purchase paid: invoice ${invoiceId}, ${formatAmount(amount)}`);
  }

  /** Points for a purchase, once per source (an earning whose source key is in the ledger already returns that entry). */
  earnForPurchase(sourceKey: string, customerId: string, points: number, description: string): Promise<LoyaltyEntryRecord | null> {
    return points > 0 ? this.append({ customerId, points, kind: 'PURCHASE', description, sourceKey, actor: SYSTEM_ACTOR }) : Promise.resolve(null);
  }

  /** A delivery makes the customer a member from its date (the earliest delivery wins). */
  async noteDelivery(customerId: string, deliveredAt: Date): Promise<void> {
    await this.models.members.updateOne({ _id: customerId }, { $min: { since: deliveredAt } }, { upsert: true }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  /** The yearly job: each member earns points for every year of cooperation completed, once per year. */
  async awardAnniversaries(now: Date = this.clock.now()): Promise<number> {
    let awarded = 0;
    const timeZone = this.calendar.current().timeZone;
    for await (const member of this.models.members.find().lean().cursor()) {
      const years = cooperationYears(member.since as Date, now, timeZone);
      for (let year = 1; year <= years; year += 1) {
        const sourceKey = `anniversary:${member._id}:${year}`;
        if (await this.models.entries.exists({ sourceKey })) continue;
        await this.append({ customerId: String(member._id), points: this.anniversaryPoints, kind: 'ANNIVERSARY', description: `${year} year${year > 1 ? 's' : ''} of cooperation`, sourceKey, actor: SYSTEM_ACTOR });
        awarded += 1;
      }
    }
    return awarded;
  }

  /**
   * Append one entry at the next place of the customer's ledger. The balance read and the insert race with other
   * writers; the unique (customer, sequence) index lets only one of them take a place, and the loser reads again —
   * so a redemption is checked against the balance that really precedes it. An earning whose source key is already
   * in the ledger returns that entry (idempotent on the source).
   */
  private async append(entry: Append): Promise<LoyaltyEntryRecord> {
    for (let attempt = 1; ; attempt += 1) {
      const [last] = await this.models.entries.find({ customerId: entry.customerId }, { sequence: 1, balanceAfter: 1 }).sort({ sequence: -1 }).limit(1).lean<Pick<LoyaltyEntryRecord, 'sequence' | 'balanceAfter'>[]>();
      const balance = last?.balanceAfter ?? 0;
      const after = balanceAfter(balance, entry.points);
      if (after === null) throw new ConflictError(`Not enough points: the balance is ${balance}, ${-entry.points} asked`, { balance });
      const now = this.clock.now();
      const _id = new Types.ObjectId();
      const contract = entry.points < 0 ? loyaltyPointsRedeemedV1 : loyaltyPointsEarnedV1;
      const event = createEvent(contract, {
        subject: String(_id),
        actor: entry.actor,
        time: now,
        data: { entryId: String(_id), customerId: entry.customerId, points: entry.points, balanceAfter: after, kind: entry.kind, description: entry.description },
      });
      try {
        const created = await this.models.entries.create({
          _id,
          customerId: entry.customerId,
          sequence: (last?.sequence ?? 0) + 1,
          points: entry.points,
          balanceAfter: after,
          kind: entry.kind,
          description: entry.description,
          ...(entry.sourceKey ? { sourceKey: entry.sourceKey } : {}),
          recordedBy: entry.actor.userId,
          recordedAt: now,
          pendingEvents: [event],
          ...(entry.stored ?? {}),
        });
        return created.toObject();
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        if (entry.sourceKey) {
          const earlier = await this.models.entries.findOne({ sourceKey: entry.sourceKey }).lean<LoyaltyEntryRecord>();
          if (earlier) return earlier;
        }
        // An idempotency-key twin wins in createOnce; anything else lost the place to a concurrent writer: read again.
        if (entry.stored?.idempotencyKey && (await this.models.entries.exists({ idempotencyKey: entry.stored.idempotencyKey }))) throw error;
        if (attempt >= APPEND_ATTEMPTS) throw new ConflictError('The loyalty ledger is busy; try again');
      }
    }
  }

  /** The latest entries of each customer, newest first: one aggregation per batch. */
  async latestForCustomers(customerIds: readonly string[], limit: number): Promise<LoyaltyEntryRecord[]> {
    const groups = await this.models.entries.aggregate<{ _id: string; latest: LoyaltyEntryRecord[] }>([
      { $match: { customerId: { $in: [...customerIds] } } },
      { $sort: { customerId: 1, sequence: -1 } },
      { $group: { _id: '$customerId', latest: { $push: '$$ROOT' } } },
      { $project: { latest: { $slice: ['$latest', limit] } } },
    ]);
    return groups.flatMap((group) => group.latest);
  }
}
