import { withIdempotencyKey } from '@crm/data';
import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { satisfactionLevels, surveyItems, surveyTemplateNames, type SatisfactionLevel, type SurveyItem, type SurveyTemplateName } from './survey-templates';

/** A customer as surveys knows it: only the key; accounts owns everything else. */
export interface CustomerReference {
  id: string;
}

export interface SurveyAnswerRecord {
  item: SurveyItem;
  level: SatisfactionLevel;
  comment: string | null;
}

export interface SurveyResponseRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  customerId: string;
  template: SurveyTemplateName;
  templateVersion: number;
  answers: SurveyAnswerRecord[];
  consultantId: string;
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

export function surveyResponseModel(connection: Connection): Model<SurveyResponseRecord> {
  return connection.model<SurveyResponseRecord>('SurveyResponse', surveyResponseSchema, 'survey_responses');
}
