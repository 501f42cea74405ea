import { Schema, type Connection, type Model } from 'mongoose';

export interface DepartmentRecord {
  _id: string;
  name: string;
}

export interface ConsultantRecord {
  _id: string;
  name: string;
  departmentId: string;
  active: boolean;
}

const departmentSchema = new Schema<DepartmentRecord>({ _id: { type: String, required: true }, name: { type: String, required: true, trim: true } }, { versionKey: false, timestamps: true });

const consultantSchema = new Schema<ConsultantRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true, trim: true },
    departmentId: { type: String, required: true },
    active: { type: Boolean, required: true, default: true },
  },
  { versionKey: false, timestamps: true },
);
// Serves Department.consultants: the consultants of a batch of departments in one query.
consultantSchema.index({ departmentId: 1, name: 1 });

export function organisationModels(connection: Connection) {
  return {
    Department: connection.model<DepartmentRecord>('Department', departmentSchema, 'departments') as Model<DepartmentRecord>,
    Consultant: connection.model<ConsultantRecord>('Consultant', consultantSchema, 'consultants') as Model<ConsultantRecord>,
  };
}
export type OrganisationModels = ReturnType<typeof organisationModels>;
