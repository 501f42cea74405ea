import { withIdempotencyKey } from '@crm/data';
import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Types } from 'mongoose';
import { recommendations, templateStatuses, type Indicator, type Recommendation, type TemplateStatus, type Thresholds } from './relationship-evaluation-rules';

/** One version of the evaluation template: drafted, published (the one evaluations use), retired when replaced. */
export interface RelationshipTemplateRecord {
  _id: Types.ObjectId;
  /** 1, 2, 3…: unique, so two drafts made at once cannot take the same version. */
  version: number;
  status: TemplateStatus;
  indicators: Indicator[];
  thresholds: Thresholds;
  createdBy: string;
  createdAt: Date;
  publishedBy: string | null;
  publishedAt: Date | null;
}

export interface RelationshipScoreRecord {
  indicator: string;
  name: string;
  weight: number;
  score: number;
}

/** One evaluation of a customer's relationship, with the template version it was scored against. */
export interface RelationshipEvaluationRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  customerId: string;
  departmentId: string;
  templateVersion: number;
  scores: RelationshipScoreRecord[];
  /** The weighted total in hundredths of a point (0..10000), exact. */
  totalHundredths: number;
  recommendation: Recommendation;
  note: string | null;
  evaluatedBy: string;
  evaluatedAt: Date;
}

const indicatorSchema = new Schema<Indicator>(
  { key: { type: String, required: true }, name: { type: String, required: true }, weight: { type: Number, required: true }, description: { type: String, default: null } },
  { _id: false },
);
const scoreSchema = new Schema<RelationshipScoreRecord>(
  { indicator: { type: String, required: true }, name: { type: String, required: true }, weight: { type: Number, required: true }, score: { type: Number, required: true } },
  { _id: false },
);

const templateSchema = new Schema<RelationshipTemplateRecord>(
  {
    version: { type: Number, required: true },
    status: { type: String, enum: templateStatuses, required: true },
    indicators: { type: [indicatorSchema], required: true },
    thresholds: { type: Schema.Types.Mixed, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    publishedBy: { type: String, default: null },
    publishedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
templateSchema.index({ version: 1 }, { unique: true });
// The published version: the newest with status PUBLISHED.
templateSchema.index({ status: 1, version: -1 });

const evaluationSchema = new Schema<RelationshipEvaluationRecord>(
  {
    customerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    templateVersion: { type: Number, required: true },
    scores: { type: [scoreSchema], required: true },
    totalHundredths: { type: Number, required: true, min: 0, max: 10_000 },
    recommendation: { type: String, enum: recommendations, required: true },
    note: { type: String, default: null },
    evaluatedBy: { type: String, required: true },
    evaluatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
evaluationSchema.plugin(outboxPlugin);
withIdempotencyKey(evaluationSchema);
// Customer.latestRelationshipEvaluation and the customer's evaluations, newest first.
evaluationSchema.index({ customerId: 1, evaluatedAt: -1, _id: -1 });

export function relationshipEvaluationModels(connection: Connection) {
  return {
    templates: connection.model<RelationshipTemplateRecord>('RelationshipTemplate', templateSchema, 'relationship_templates'),
    evaluations: connection.model<RelationshipEvaluationRecord>('RelationshipEvaluation', evaluationSchema, 'relationship_evaluations'),
  };
}
export type RelationshipEvaluationModels = ReturnType<typeof relationshipEvaluationModels>;
