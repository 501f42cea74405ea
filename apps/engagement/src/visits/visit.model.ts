import { withIdempotencyKey } from '@crm/data';
import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** Why a customer is visited: the kinds of crm.engagement.visit.reported (surveys follows up MAINTENANCE visits). */
export const visitKinds = ['SALES', 'MAINTENANCE', 'RETURN', 'COURTESY'] as const;
export type VisitKind = (typeof visitKinds)[number];

export const visitStatuses = ['PLANNED', 'APPROVED', 'REJECTED', 'REPORTED'] as const;
export type VisitStatus = (typeof visitStatuses)[number];

/** The manager's decision on the plan. */
export interface VisitDecisionRecord {
  approved: boolean;
  decidedBy: string;
  decidedAt: Date;
  /** Why (required when rejected). */
  reason: string | null;
}

/** One important matter raised and how it was handled. */
export interface VisitMatterRecord {
  matter: string;
  handling: string;
}

/** The visit report (the fields), written after the visit. */
export interface VisitReportRecord {
  visitedAt: Date;
  questionsRaised: string | null;
  opinions: string | null;
  wishes: string | null;
  importantMatters: VisitMatterRecord[];
  marketSituation: string | null;
  competitorMoves: string | null;
  competitorSalesPolicies: string | null;
  customerReaction: string | null;
  /** The return visit (of a delivery's schedule) this visit completed; null for none. */
  returnVisitId: string | null;
  reportedBy: string;
  reportedAt: Date;
}

/** A visit (客户拜访表): planned, decided by the department manager, then reported. */
export interface VisitRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  customerId: string;
  /** The customer's department when planned: its manager decides. */
  departmentId: string;
  kind: VisitKind;
  purpose: string;
  goals: string[];
  /** The product the visit is about; null when none in particular. */
  product: string | null;
  /** Colleagues who come along. */
  accompanyingStaffIds: string[];
  plannedAt: Date;
  staffId: string;
  status: VisitStatus;
  plannedBy: string;
  createdAt: Date;
  decision: VisitDecisionRecord | null;
  report: VisitReportRecord | null;
  revision: number;
}

const visitSchema = new Schema<VisitRecord>(
  {
    customerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    kind: { type: String, enum: visitKinds, required: true },
    purpose: { type: String, required: true },
    goals: { type: [String], default: [] },
    product: { type: String, default: null },
    accompanyingStaffIds: { type: [String], default: [] },
    plannedAt: { type: Date, required: true },
    staffId: { type: String, required: true },
    status: { type: String, enum: visitStatuses, required: true },
    plannedBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    decision: { type: Schema.Types.Mixed, default: null },
    report: { type: Schema.Types.Mixed, default: null },
    revision: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);
visitSchema.plugin(outboxPlugin);
withIdempotencyKey(visitSchema);
// Customer.visits (newest planned first) and the consultant's visits done in a period.
visitSchema.index({ customerId: 1, plannedAt: -1, _id: -1 });
visitSchema.index({ staffId: 1, status: 1, 'report.visitedAt': 1 });
// A manager's plans waiting for a decision.
visitSchema.index({ departmentId: 1, status: 1, plannedAt: 1 });

export function visitModel(connection: Connection): Model<VisitRecord> {
  return connection.model<VisitRecord>('Visit', visitSchema, 'visits');
}
