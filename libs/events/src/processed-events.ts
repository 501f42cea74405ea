import { Schema, type Connection, type Model } from 'mongoose';

interface ProcessedEvent {
  _id: string;
  processedAt: Date;
}

// Redeliveries and replays arrive within days, not months: remember ids for a week.
const REMEMBER_SECONDS = 7 * 24 * 3600;

const processedEventSchema = new Schema<ProcessedEvent>(
  { _id: { type: String, required: true }, processedAt: { type: Date, required: true } },
  { versionKey: false },
);
// Lets old ids expire so the collection stays small.
processedEventSchema.index({ processedAt: 1 }, { expireAfterSeconds: REMEMBER_SECONDS });

/** Event ids a consumer has handled, so a redelivered or replayed event is acknowledged without effect. */
export class ProcessedEvents {
  private readonly model: Model<ProcessedEvent>;

  constructor(connection: Connection) {
    this.model = (connection.models.ProcessedEvent as Model<ProcessedEvent>) ?? connection.model<ProcessedEvent>('ProcessedEvent', processedEventSchema, 'processed_events');
  }

  async has(durable: string, eventId: string): Promise<boolean> {
    return (await this.model.exists({ _id: `${durable}:${eventId}` })) !== null;
  }

  async remember(durable: string, eventId: string): Promise<void> {
    await this.model.updateOne({ _id: `${durable}:${eventId}` }, { $setOnInsert: { processedAt: new Date() } }, { upsert: true });
  }
}
