import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { surveyItems, surveyTemplateNames, type SurveyQuestionRecord, type SurveyTemplateName } from '../survey-responses/survey-templates';

export const templateVersionStates = ['DRAFT', 'PUBLISHED', 'RETIRED'] as const;
export type TemplateVersionState = (typeof templateVersionStates)[number];

/**
 * One version of one questionnaire. A draft is edited freely; a published version never changes again (responses
 * are read against it); retiring it stops new surveys asking it. New surveys ask the highest published version.
 */
export interface TemplateVersionRecord {
  _id: Types.ObjectId;
  template: SurveyTemplateName;
  version: number;
  state: TemplateVersionState;
  items: SurveyQuestionRecord[];
  note: string | null;
  createdBy: string;
  createdAt: Date;
  publishedBy: string | null;
  publishedAt: Date | null;
  retiredBy: string | null;
  retiredAt: Date | null;
  /** Set on the open draft only (its template), unset when published: one open draft per template. */
  openDraft?: SurveyTemplateName;
  /** Bumped by every write; a write names the revision it read (a concurrent edit is a CONFLICT). */
  revision: number;
}

const questionSchema = new Schema<SurveyQuestionRecord>(
  { item: { type: String, enum: surveyItems, required: true }, question: { type: String, required: true } },
  { _id: false },
);

const templateVersionSchema = new Schema<TemplateVersionRecord>(
  {
    template: { type: String, enum: surveyTemplateNames, required: true },
    version: { type: Number, required: true, min: 1 },
    state: { type: String, enum: templateVersionStates, required: true },
    items: { type: [questionSchema], required: true },
    note: { type: String, default: null },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    publishedBy: { type: String, default: null },
    publishedAt: { type: Date, default: null },
    retiredBy: { type: String, default: null },
    retiredAt: { type: Date, default: null },
    openDraft: { type: String },
    revision: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);
// Version numbers are max + 1 per template; the seed's upsert and racing drafts meet here.
templateVersionSchema.index({ template: 1, version: 1 }, { unique: true });
// One open draft per template: a second draft is a CONFLICT (edit the open one).
// (sparse rather than partial: the dev server ignores partial filters, ADR 0001).
templateVersionSchema.index({ openDraft: 1 }, { unique: true, sparse: true });

export function templateVersionModel(connection: Connection): Model<TemplateVersionRecord> {
  return connection.model<TemplateVersionRecord>('SurveyTemplateVersion', templateVersionSchema, 'survey_templates');
}
