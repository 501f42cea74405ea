import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { proposalStates, type PeriodScore, type ProposalState } from './improvement-rules';

export interface FindingRecord {
  template: string;
  item: string;
  /** The periods the score fell over, oldest first. */
  scores: PeriodScore[];
}

/** A proposal to improve, assigned to the department responsible, from a finding (a falling item score) or by hand. */
export interface ProposalRecord {
  _id: Types.ObjectId;
  title: string;
  description: string;
  departmentId: string;
  source: 'FALLING_SCORE' | 'MANUAL';
  finding: FindingRecord | null;
  /** `department:template:item:last period` of a detected finding: the detection creates each proposal once. */
  findingKey?: string;
  state: ProposalState;
  dueAt: Date;
  verificationNote: string | null;
  createdBy: string;
  createdAt: Date;
  startedBy: string | null;
  startedAt: Date | null;
  completedBy: string | null;
  completedAt: Date | null;
  revision: number;
}

const proposalSchema = new Schema<ProposalRecord>(
  {
    title: { type: String, required: true },
    description: { type: String, required: true },
    departmentId: { type: String, required: true },
    source: { type: String, enum: ['FALLING_SCORE', 'MANUAL'], required: true },
    finding: {
      type: new Schema<FindingRecord>(
        { template: String, item: String, scores: [{ _id: false, period: String, meanScore: Number, answers: Number }] },
        { _id: false },
      ),
      default: null,
    },
    findingKey: { type: String },
    state: { type: String, enum: proposalStates, required: true },
    dueAt: { type: Date, required: true },
    verificationNote: { type: String, default: null },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    startedBy: { type: String, default: null },
    startedAt: { type: Date, default: null },
    completedBy: { type: String, default: null },
    completedAt: { type: Date, default: null },
    revision: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);
proposalSchema.index({ findingKey: 1 }, { unique: true, sparse: true });
proposalSchema.index({ departmentId: 1, state: 1, dueAt: 1 });

export function proposalModel(connection: Connection): Model<ProposalRecord> {
  return connection.model<ProposalRecord>('ImprovementProposal', proposalSchema, 'improvement_proposals');
}
