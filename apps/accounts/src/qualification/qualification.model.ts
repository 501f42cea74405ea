import { Schema } from 'mongoose';
import type { CustomerSchemaPart } from '../customers/customer-schema';

/** The new-customer selection procedure (新客户选择程序), in the only order it may run. */
export const qualificationStages = ['GENERAL_SURVEY', 'ONSITE_INVESTIGATION', 'APPLICATION', 'APPROVAL', 'CONTRACTS', 'REGISTRATION', 'ARCHIVED'] as const;
export type QualificationStage = (typeof qualificationStages)[number];
export const qualificationStatuses = ['NOT_STARTED', 'IN_PROGRESS', 'REJECTED', 'ARCHIVED'] as const;
export type QualificationStatus = (typeof qualificationStatuses)[number];
export const investigationAreas = ['FINANCE', 'DESIGN', 'QUALITY'] as const;
export type InvestigationArea = (typeof investigationAreas)[number];
export const investigationConclusions = ['SATISFACTORY', 'CONCERNS', 'UNSATISFACTORY'] as const;
export const qualificationActions = ['SUBMITTED', 'RESUBMITTED', 'APPROVED', 'REJECTED', 'COMPLETED'] as const;
export type QualificationAction = (typeof qualificationActions)[number];

export interface GeneralSurveyRecord {
  companyHistory: string;
  profile: string;
  /** Where the latest financial statements are kept (document reference). */
  financialStatements: string;
  productCatalogue: string;
  recordedBy: string;
  recordedAt: Date;
}

export interface InvestigationFindingRecord {
  area: InvestigationArea;
  findings: string;
  conclusion: (typeof investigationConclusions)[number];
  /** The person of finance, design or quality who visited. */
  investigator: string;
  recordedBy: string;
  recordedAt: Date;
}

export interface ProductQuantityRecord {
  product: string;
  quantity: number;
  unit?: string | null;
}

export interface QualificationApplicationRecord {
  reasons: string;
  futureTradingPolicy: string;
  surveyData: string;
  products: ProductQuantityRecord[];
  submittedBy: string;
  submittedAt: Date;
  /** 1 for the first submission, +1 for every resubmission after a rejection. */
  version: number;
}

export interface QualificationDecisionRecord {
  approved: boolean;
  comment?: string | null;
  decidedBy: string;
  decidedAt: Date;
  /** The department that decided (the customer's responsible department). */
  departmentId: string;
  applicationVersion: number;
}

export interface QualificationContractsRecord {
  supplyContractNo: string;
  qualityAssuranceContractNo: string;
  /** Both contracts are signed together, on this day. */
  signedOn: string;
  recordedBy: string;
  recordedAt: Date;
}

export interface PortalRegistrationRecord {
  /** A reference to the credentials issued by the identity system; never the secret itself. */
  credentialsRef: string;
  registeredBy: string;
  registeredAt: Date;
}

export interface QualificationStepRecord {
  stage: QualificationStage;
  action: QualificationAction;
  by: string;
  at: Date;
  comment?: string | null;
}

export interface QualificationRecord {
  status: QualificationStatus;
  /** The step that must come next; null once archived. */
  nextStage: QualificationStage | null;
  survey?: GeneralSurveyRecord | null;
  investigation: InvestigationFindingRecord[];
  application?: QualificationApplicationRecord | null;
  decisions: QualificationDecisionRecord[];
  contracts?: QualificationContractsRecord | null;
  registration?: PortalRegistrationRecord | null;
  archivedAt?: Date | null;
  archivedBy?: string | null;
  /** Every step, rejection and resubmission, oldest first. */
  steps: QualificationStepRecord[];
}

/** A customer's qualification as the graph serves it: with a stable id derived from the customer's (`<id>:qualification`). */
export type QualificationView = QualificationRecord & { id: string };

declare module '../customers/customer.model' {
  interface CustomerRecord {
    /** Organisation customers only; null for individuals. */
    qualification?: QualificationRecord | null;
  }
}

const sub = <T>(definition: Record<string, unknown>) => new Schema<T>(definition, { _id: false });
const text = { type: String, required: true };

const qualificationSchema = sub<QualificationRecord>({
  status: { type: String, enum: qualificationStatuses, required: true },
  nextStage: { type: String, enum: qualificationStages },
  survey: {
    type: sub<GeneralSurveyRecord>({ companyHistory: text, profile: text, financialStatements: text, productCatalogue: text, recordedBy: text, recordedAt: { type: Date, required: true } }),
    default: null,
  },
  investigation: {
    type: [
      sub<InvestigationFindingRecord>({
        area: { type: String, enum: investigationAreas, required: true },
        findings: text,
        conclusion: { type: String, enum: investigationConclusions, required: true },
        investigator: text,
        recordedBy: text,
        recordedAt: { type: Date, required: true },
      }),
    ],
    default: [],
  },
  application: {
    type: sub<QualificationApplicationRecord>({
      reasons: text,
      futureTradingPolicy: text,
      surveyData: text,
      products: { type: [sub<ProductQuantityRecord>({ product: text, quantity: { type: Number, required: true }, unit: String })], default: [] },
      submittedBy: text,
      submittedAt: { type: Date, required: true },
      version: { type: Number, required: true },
    }),
    default: null,
  },
  decisions: {
    type: [
      sub<QualificationDecisionRecord>({
        approved: { type: Boolean, required: true },
        comment: String,
        decidedBy: text,
        decidedAt: { type: Date, required: true },
        departmentId: text,
        applicationVersion: { type: Number, required: true },
      }),
    ],
    default: [],
  },
  contracts: {
    type: sub<QualificationContractsRecord>({ supplyContractNo: text, qualityAssuranceContractNo: text, signedOn: text, recordedBy: text, recordedAt: { type: Date, required: true } }),
    default: null,
  },
  registration: { type: sub<PortalRegistrationRecord>({ credentialsRef: text, registeredBy: text, registeredAt: { type: Date, required: true } }), default: null },
  archivedAt: Date,
  archivedBy: String,
  steps: {
    type: [
      sub<QualificationStepRecord>({
        stage: { type: String, enum: qualificationStages, required: true },
        action: { type: String, enum: qualificationActions, required: true },
        by: text,
        at: { type: Date, required: true },
        comment: String,
      }),
    ],
    default: [],
  },
});

export const qualificationSchemaPart: CustomerSchemaPart = {
  plugin: 'qualification',
  fields: { qualification: { type: qualificationSchema, default: null } },
  indexes(schema) {
    // customers(filter: {qualificationStage / qualificationStatus}): the qualification work lists.
    schema.index({ 'qualification.nextStage': 1, _id: 1 });
    schema.index({ 'qualification.status': 1, _id: 1 });
  },
};
