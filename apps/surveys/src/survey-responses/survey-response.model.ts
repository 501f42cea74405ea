import { withIdempotencyKey } from '@crm/data';
import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { AttributionRecord } from '../attribution/attribution';
import { satisfactionLevels, surveyItems, surveyTemplateNames, type SatisfactionLevel, type SurveyItem, type SurveyTemplateName } from './survey-templates';

/** A customer as surveys knows it: only the key; accounts owns everything else. */
export interface CustomerReference {
  id: string;
}

export interface SurveyAnswerRecord {
  item: SurveyItem;
  level: SatisfactionLevel;
  comment: string | null;
  /** The question's wording in the response's version (added when read back, never stored). */
  question?: string | null;
}

export interface SurveyResponseRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  customerId: string;
  template: SurveyTemplateName;
  templateVersion: number;
  answers: SurveyAnswerRecord[];
  /** The consultant the response counts for (= attribution.consultantId, kept at the top for the KPI indexes). */
  consultantId: string;
  /** Who and what the response counts for, from its request and the customer's scope when recorded. */
  attribution: AttributionRecord;
  /** The survey request it answers; null for a response recorded without one. */
  requestId?: Types.ObjectId;
  /** The ticket the survey was sent after, and its first responder (who a follow-up goes back to). */
  sourceTicketId: string | null;
  sourceTicketFirstResponderId: string | null;
  /** When a needed follow-up counts as overdue unless its ticket is closed; null when none is needed. */
  followUpDueAt: Date | null;
  /** When the follow-up ticket was closed (from the service desk's events); null while open or not needed. */
  followUpClosedAt: Date | null;
  respondedAt: Date;
  /** Derived from the answers when recorded (answers never change), stored so scores aggregate in Mongo. */
  score: number;
  needsFollowUp: boolean;
  recordedBy: string;
  recordedAt: Date;
}

const answerSchema = new Schema<SurveyAnswerRecord>(
  {
    item: { type: String, enum: surveyItems, required: true },
    level: { type: String, enum: satisfactionLevels, required: true },
    comment: { type: String, default: null },
  },
  { _id: false },
);

const surveyResponseSchema = new Schema<SurveyResponseRecord>(
  {
    customerId: { type: String, required: true },
    template: { type: String, enum: surveyTemplateNames, required: true },
    templateVersion: { type: Number, required: true },
    answers: { type: [answerSchema], required: true },
    consultantId: { type: String, required: true },
    attribution: {
      type: new Schema<AttributionRecord>(
        {
          consultantId: { type: String, required: true },
          departmentId: { type: String, required: true },
          region: { type: String, default: null },
          products: { type: [String], default: [] },
        },
        { _id: false },
      ),
      required: true,
    },
    requestId: { type: Schema.Types.ObjectId },
    sourceTicketId: { type: String, default: null },
    sourceTicketFirstResponderId: { type: String, default: null },
    followUpDueAt: { type: Date, default: null },
    followUpClosedAt: { type: Date, default: null },
    respondedAt: { type: Date, required: true },
    score: { type: Number, required: true, min: 1, max: 5 },
    needsFollowUp: { type: Boolean, required: true },
    recordedBy: { type: String, required: true },
    recordedAt: { type: Date, required: true },
  },
  // recordedAt comes from the injected clock, so mongoose timestamps are not used.
  { versionKey: false },
);
surveyResponseSchema.plugin(outboxPlugin);
withIdempotencyKey(surveyResponseSchema);
// Customer.surveyResponses (a batch of customers, newest first) and Customer.satisfactionScore ($match customerId $in).
surveyResponseSchema.index({ customerId: 1, respondedAt: -1, _id: -1 });
// One response per request: a second answer (a concurrent twin) is a duplicate key, a CONFLICT.
// Sparse, not partial: the dev server ignores partial filters (ADR 0001); the field is absent without a request.
surveyResponseSchema.index({ requestId: 1 }, { unique: true, sparse: true });
// Consultant.satisfaction / Department.satisfaction over a period.
surveyResponseSchema.index({ consultantId: 1, respondedAt: 1 });
surveyResponseSchema.index({ 'attribution.departmentId': 1, respondedAt: 1 });
// Unhandled dissatisfied answers past their SLA.
surveyResponseSchema.index({ needsFollowUp: 1, followUpClosedAt: 1, followUpDueAt: 1 });

export function surveyResponseModel(connection: Connection): Model<SurveyResponseRecord> {
  return connection.model<SurveyResponseRecord>('SurveyResponse', surveyResponseSchema, 'survey_responses');
}
