import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { AttributionRecord } from '../attribution/attribution';
import { surveyTemplateNames, type SurveyTemplateName } from '../survey-responses/survey-templates';
import { requestSources, requestStates, skipReasons, type RequestSource, type RequestState, type SkipReason } from './dispatch-rules';

/** A survey to be sent to a customer, created from another service's event (or planned by hand). */
export interface SurveyRequestRecord {
  _id: Types.ObjectId;
  customerId: string;
  template: SurveyTemplateName;
  /** The version asked: the current one when the request was created; its answer follows it. */
  templateVersion: number;
  source: RequestSource;
  /** The order, visit or ticket the survey is about; null for a mystery check. */
  sourceReference: string | null;
  /** The id of the event the request was created from: a redelivered or replayed event creates nothing. */
  sourceEventId?: string;
  /** The ticket's first responder when the survey is sent after a ticket (a follow-up goes back to them). */
  sourceTicketFirstResponderId: string | null;
  attribution: AttributionRecord;
  state: RequestState;
  dueAt: Date;
  skipReason: SkipReason | null;
  /** Why it was skipped, in words (the earlier request that throttles it). */
  skipNote: string | null;
  /** The earlier request within the fatigue window. */
  throttledBy: Types.ObjectId | null;
  responseId: Types.ObjectId | null;
  answeredAt: Date | null;
  expiredAt: Date | null;
  /** Who created it: the event's actor, or the planner of a mystery check. */
  requestedBy: string;
  createdAt: Date;
  note: string | null;
}

const attributionSchema = new Schema<AttributionRecord>(
  {
    consultantId: { type: String, required: true },
    departmentId: { type: String, required: true },
    region: { type: String, default: null },
    products: { type: [String], default: [] },
  },
  { _id: false },
);

const surveyRequestSchema = new Schema<SurveyRequestRecord>(
  {
    customerId: { type: String, required: true },
    template: { type: String, enum: surveyTemplateNames, required: true },
    templateVersion: { type: Number, required: true },
    source: { type: String, enum: requestSources, required: true },
    sourceReference: { type: String, default: null },
    sourceEventId: { type: String },
    sourceTicketFirstResponderId: { type: String, default: null },
    attribution: { type: attributionSchema, required: true },
    state: { type: String, enum: requestStates, required: true },
    dueAt: { type: Date, required: true },
    skipReason: { type: String, enum: [...skipReasons, null], default: null },
    skipNote: { type: String, default: null },
    throttledBy: { type: Schema.Types.ObjectId, default: null },
    responseId: { type: Schema.Types.ObjectId, default: null },
    answeredAt: { type: Date, default: null },
    expiredAt: { type: Date, default: null },
    requestedBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    note: { type: String, default: null },
  },
  { versionKey: false },
);
// Idempotent on the source event: the second insert of the same event is a duplicate key, answered by the first.
// Sparse, not partial: the dev server ignores partial filters (ADR 0001); a mystery check has no source event.
surveyRequestSchema.index({ sourceEventId: 1 }, { unique: true, sparse: true });
// Fatigue: the customer's latest request that counts; Customer.surveyRequests newest first.
surveyRequestSchema.index({ customerId: 1, createdAt: -1 });
// The expiry job.
surveyRequestSchema.index({ state: 1, dueAt: 1 });

export function surveyRequestModel(connection: Connection): Model<SurveyRequestRecord> {
  return connection.model<SurveyRequestRecord>('SurveyRequest', surveyRequestSchema, 'survey_requests');
}
