import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Types } from 'mongoose';
import { withIdempotencyKey } from '@crm/data';

export const customerKinds = ['ORGANISATION', 'INDIVIDUAL'] as const;
export const customerListTypes = ['GOVERNMENT_AGENCY', 'ENTERPRISE', 'SPECIAL_ENTERPRISE', 'INDIVIDUAL', 'BUSINESS_PARTNER'] as const;
export const lifecycles = ['PROSPECT', 'QUALIFYING', 'ACTIVE', 'DORMANT', 'BAD', 'REMOVED'] as const;
export type Lifecycle = (typeof lifecycles)[number];
export type CustomerKind = (typeof customerKinds)[number];
export const genders = ['FEMALE', 'MALE', 'OTHER'] as const;
export const enterpriseNatures = ['STATE_OWNED', 'COLLECTIVE', 'PRIVATE', 'FOREIGN_INVESTED', 'JOINT_VENTURE', 'SHAREHOLDING', 'PUBLIC_INSTITUTION', 'OTHER'] as const;
export const companySizes = ['MICRO', 'SMALL', 'MEDIUM', 'LARGE'] as const;
export const purchaseStages = ['NO_NEED', 'AWARENESS', 'INTEREST', 'EVALUATION', 'NEGOTIATION', 'PURCHASED', 'REPEAT_PURCHASE'] as const;

export interface MoneyRecord {
  amount: number;
  /** ISO 4217. */
  currency: string;
}

export interface ContactRecord {
  name: string;
  title?: string | null;
  phone?: string | null;
  email?: string | null;
  decisionMaker: boolean;
}

/** Basic data only an organisation has (企业性质, 主管单位, 法人代表…). */
export interface OrganisationProfileRecord {
  enterpriseNature?: (typeof enterpriseNatures)[number] | null;
  supervisingUnit?: string | null;
  legalRepresentative?: string | null;
  /** The customer's own manager (经理), not ours. */
  manager?: string | null;
  /** Unified social credit code or business registration number. */
  registrationNumber?: string | null;
  companySize?: (typeof companySizes)[number] | null;
  employeeCount?: number | null;
  establishedOn?: string | null;
  registeredCapital?: MoneyRecord | null;
  assets?: MoneyRecord | null;
}

/** Basic data only a person has; gender, birthday and age are personal data. */
export interface IndividualProfileRecord {
  gender?: (typeof genders)[number] | null;
  birthday?: string | null;
  /** Kept when no birthday is known; otherwise the age is computed from the birthday. */
  age?: number | null;
  occupation?: string | null;
}

export interface NeedsRecord {
  focusPoints: string[];
  budget?: MoneyRecord | null;
  intendedPurchaseBy?: string | null;
  purchaseStage?: (typeof purchaseStages)[number] | null;
}

export interface CharacteristicsRecord {
  serviceArea?: string | null;
  businessPhilosophy?: string | null;
  managementStyle?: string | null;
  salesCapability?: string | null;
  growthPotential?: string | null;
  culture?: string | null;
}

export interface ManagementStatusRecord {
  currentSalesPerformance?: string | null;
  pastSalesPerformance?: string | null;
  staffQualifications?: string | null;
  partners?: string | null;
  cooperationAttitude?: string | null;
  competitorRelations?: string | null;
}

export interface TradingStatusRecord {
  advantages?: string | null;
  problems?: string | null;
  futurePolicy?: string | null;
  reputation?: string | null;
  pastCreditProblems?: string | null;
}

/** One change in the dynamic archive; values are JSON so any field fits. */
export interface CustomerChangeRecord {
  at: Date;
  by: string;
  field: string;
  before: string | null;
  after: string | null;
  /** Set on entries that came over from a customer merged into this one. */
  mergedFrom?: Types.ObjectId | null;
}

/** The customers plugin's own part of the aggregate: the data card, ownership, lifecycle, history and outbox. */
export interface CustomerCoreRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  /** The creating request's idempotency key, scoped to its caller (libs/data createOnce). */
  idempotencyKey?: string;
  name: string;
  kind: CustomerKind;
  listType: (typeof customerListTypes)[number];
  industry?: string | null;
  region?: string | null;
  address?: string | null;
  tradingSince?: string | null;
  organisation?: OrganisationProfileRecord | null;
  individual?: IndividualProfileRecord | null;
  contacts: ContactRecord[];
  needs?: NeedsRecord | null;
  characteristics?: CharacteristicsRecord | null;
  managementStatus?: ManagementStatusRecord | null;
  tradingStatus?: TradingStatusRecord | null;
  competitorNotes?: string | null;
  industryNotes?: string | null;
  ownerId: string;
  departmentId: string;
  lifecycle: Lifecycle;
  /** Position of the lifecycle in `lifecycles`, so lists sort in lifecycle order. */
  lifecycleRank: number;
  partnerIds: string[];
  /** When someone last confirmed the card is still right, and who; old dates mark stale data. */
  lastVerifiedAt: Date;
  lastVerifiedBy?: string | null;
  /** Set on a customer merged into another: the store reads its id as that survivor's, and lists leave it out. */
  mergedInto?: Types.ObjectId | null;
  /** Not loaded with the customer (it only grows): read it through the history loader. */
  history?: CustomerChangeRecord[];
  /** Optimistic concurrency: every write names the revision it read. */
  revision: number;
  createdBy?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The customer aggregate: the core part plus each extension plugin's fields, which the plugin declares from its
 * own folder by module augmentation (`declare module '../customers/customer.model' { interface CustomerRecord {…} }`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the extension plugins' fields merge into it
export interface CustomerRecord extends CustomerCoreRecord {}

/** Reads leave out the history, which grows without bound (pending events are few and short-lived). */
export const CUSTOMER_READ_PROJECTION = { history: 0 } as const;

const sub = (definition: Record<string, unknown>) => new Schema(definition, { _id: false });
const money = () => ({ type: sub({ amount: { type: Number, required: true }, currency: { type: String, required: true } }), default: null });

const contactSchema = sub({ name: { type: String, required: true }, title: String, phone: String, email: String, decisionMaker: { type: Boolean, default: false } });

const changeSchema = sub({
  at: { type: Date, required: true },
  by: { type: String, required: true },
  field: { type: String, required: true },
  before: String,
  after: String,
  mergedFrom: Schema.Types.ObjectId,
});

/** A new schema of the core fields for each service start: extension plugins add their parts to it (see CustomerSchema). */
export function customerCoreSchema(): Schema<CustomerRecord> {
  const customerSchema = new Schema<CustomerRecord>(
    {
      name: { type: String, required: true, trim: true },
      kind: { type: String, enum: customerKinds, required: true },
      listType: { type: String, enum: customerListTypes, required: true },
      industry: String,
      region: String,
      address: String,
      tradingSince: String,
      organisation: {
        type: sub({
          enterpriseNature: { type: String, enum: enterpriseNatures },
          supervisingUnit: String,
          legalRepresentative: String,
          manager: String,
          registrationNumber: String,
          companySize: { type: String, enum: companySizes },
          employeeCount: Number,
          establishedOn: String,
          registeredCapital: money(),
          assets: money(),
        }),
        default: null,
      },
      individual: { type: sub({ gender: { type: String, enum: genders }, birthday: String, age: Number, occupation: String }), default: null },
      contacts: { type: [contactSchema], default: [] },
      needs: { type: sub({ focusPoints: { type: [String], default: [] }, budget: money(), intendedPurchaseBy: String, purchaseStage: { type: String, enum: purchaseStages } }), default: null },
      characteristics: {
        type: sub({ serviceArea: String, businessPhilosophy: String, managementStyle: String, salesCapability: String, growthPotential: String, culture: String }),
        default: null,
      },
      managementStatus: {
        type: sub({ currentSalesPerformance: String, pastSalesPerformance: String, staffQualifications: String, partners: String, cooperationAttitude: String, competitorRelations: String }),
        default: null,
      },
      tradingStatus: { type: sub({ advantages: String, problems: String, futurePolicy: String, reputation: String, pastCreditProblems: String }), default: null },
      competitorNotes: String,
      industryNotes: String,
      ownerId: { type: String, required: true },
      departmentId: { type: String, required: true },
      lifecycle: { type: String, enum: lifecycles, required: true, default: 'PROSPECT' },
      lifecycleRank: { type: Number, required: true, default: 0 },
      partnerIds: { type: [String], default: [] },
      lastVerifiedAt: { type: Date, required: true },
      lastVerifiedBy: String,
      mergedInto: { type: Schema.Types.ObjectId, default: null },
      history: { type: [changeSchema], default: [] },
      revision: { type: Number, required: true, default: 0 },
      createdBy: String,
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
    },
    // Timestamps come from the injected clock, not from mongoose.
    { versionKey: false },
  );
  customerSchema.plugin(outboxPlugin);
  withIdempotencyKey(customerSchema);
  // Non-unique indexes are declared for production; the embedded dev server does not build them (ADR 0001 §10).
  // A consultant's own customers (the default list for consultants) and handover of a leaving consultant.
  customerSchema.index({ ownerId: 1, _id: 1 });
  // A department's customers (department managers).
  customerSchema.index({ departmentId: 1, _id: 1 });
  // A partner portal's linked customers.
  customerSchema.index({ partnerIds: 1, _id: 1 });
  // Lists filtered by lifecycle and region; sort LIFECYCLE.
  customerSchema.index({ lifecycle: 1, region: 1, _id: 1 });
  customerSchema.index({ lifecycleRank: 1, _id: 1 });
  // Stale data: customers(filter: {stale / verifiedBefore}, sort: LAST_VERIFIED_AT).
  customerSchema.index({ lastVerifiedAt: 1, _id: 1 });
  // customers(sort: CREATED_AT / UPDATED_AT).
  customerSchema.index({ createdAt: 1, _id: 1 });
  customerSchema.index({ updatedAt: 1, _id: 1 });
  // Every list excludes merged records (mergedInto: null); Customer.mergedCustomerIds.
  customerSchema.index({ mergedInto: 1, _id: 1 });
  return customerSchema;
}

export function lifecycleRank(lifecycle: Lifecycle): number {
  return lifecycles.indexOf(lifecycle);
}
