import type { Model } from 'mongoose';
import { isDuplicateKeyError } from './duplicate-key';

/**
 * Write a projection's copy of one record from an event at `asOf`, unless the copy already reflects a newer
 * event: idempotent and order-tolerant, so redeliveries and late events never roll a copy back. The copy keeps
 * the time it reflects in `asOfPath`. `onCreate` holds defaults for a copy written for the first time.
 */
export async function upsertUnlessNewer(model: Model<any>, id: string, set: Record<string, unknown>, asOfPath: string, asOf: Date, onCreate: Record<string, unknown> = {}): Promise<void> {
  const guardedUpdate = () => model.updateOne({ _id: id, [asOfPath]: { $lte: asOf } }, { $set: { ...set, [asOfPath]: asOf } });
  const updated = await guardedUpdate();
  if (updated.matchedCount > 0 || (await model.exists({ _id: id }))) return;
  await model.create({ _id: id, ...onCreate, ...set, [asOfPath]: asOf }).catch(async (error: unknown) => {
    // A concurrent delivery created it first; the newer of the two wins through the guarded update.
    if (!isDuplicateKeyError(error)) throw error;
    await guardedUpdate();
  });
}
