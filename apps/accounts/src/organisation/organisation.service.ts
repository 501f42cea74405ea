import { hasRole, type Caller } from '@crm/auth';
import { ForbiddenError, NotFoundError, parseInput } from '@crm/kernel';
import { z } from 'zod';
import type { ConsultantRecord, DepartmentRecord, OrganisationModels } from './organisation.model';

const departmentInput = z.object({ id: z.string().trim().min(1).max(64), name: z.string().trim().min(1).max(200) });
const consultantInput = z.object({ id: z.string().trim().min(1).max(64), name: z.string().trim().min(1).max(200), departmentId: z.string().trim().min(1).max(64) });

/** Departments and consultants: the people customers belong to. Maintained by the general manager. */
export class OrganisationService {
  constructor(
    private readonly models: OrganisationModels,
    /** The owners of each partner's linked customers (the customers plugin's collection, looked up when used). */
    private readonly linkedOwners: (partnerIds: readonly string[]) => Promise<{ ownerId: string; partnerIds: string[] }[]> = async () => [],
  ) {}

  /** Per partner id, the consultants who own one of its linked customers: the only staff a partner may read. */
  async ownersOfLinkedCustomers(partnerIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const owners = new Map(partnerIds.map((id) => [id, new Set<string>()]));
    for (const customer of await this.linkedOwners(partnerIds)) {
      for (const partnerId of customer.partnerIds) owners.get(partnerId)?.add(customer.ownerId);
    }
    return owners;
  }

  async upsertDepartment(caller: Caller, input: unknown): Promise<DepartmentRecord> {
    requireGeneralManager(caller);
    const { id, name } = parseInput(departmentInput, input);
    return this.models.Department.findOneAndUpdate({ _id: id }, { $set: { name } }, { upsert: true, returnDocument: 'after' }).lean<DepartmentRecord>().orFail();
  }

  async upsertConsultant(caller: Caller, input: unknown): Promise<ConsultantRecord> {
    requireGeneralManager(caller);
    const { id, name, departmentId } = parseInput(consultantInput, input);
    if (!(await this.models.Department.exists({ _id: departmentId }))) throw new NotFoundError('Department', departmentId);
    return this.models.Consultant.findOneAndUpdate({ _id: id }, { $set: { name, departmentId }, $setOnInsert: { active: true } }, { upsert: true, returnDocument: 'after' })
      .lean<ConsultantRecord>()
      .orFail();
  }

  async activeConsultant(id: string): Promise<ConsultantRecord> {
    const consultant = await this.models.Consultant.findOne({ _id: id, active: true }).lean<ConsultantRecord>();
    if (!consultant) throw new NotFoundError('Consultant', id);
    return consultant;
  }

  async consultant(id: string): Promise<ConsultantRecord> {
    const consultant = await this.models.Consultant.findById(id).lean<ConsultantRecord>();
    if (!consultant) throw new NotFoundError('Consultant', id);
    return consultant;
  }

  /** Mark a consultant as left (false) or back (true); the handover plugin checks they own nothing first. */
  async setActive(id: string, active: boolean): Promise<ConsultantRecord> {
    const consultant = await this.models.Consultant.findOneAndUpdate({ _id: id }, { $set: { active } }, { returnDocument: 'after' }).lean<ConsultantRecord>();
    if (!consultant) throw new NotFoundError('Consultant', id);
    return consultant;
  }

  // Each query ends in exec(): a mongoose Query is a thenable that runs again on every then(), and a resolver's
  // result is awaited twice by Apollo's field instrumentation ("Query was already executed").
  departments(): Promise<DepartmentRecord[]> {
    return this.models.Department.find().sort({ name: 1 }).lean<DepartmentRecord[]>().exec();
  }

  departmentsByIds(ids: readonly string[]): Promise<DepartmentRecord[]> {
    return this.models.Department.find({ _id: { $in: ids } }).lean<DepartmentRecord[]>().exec();
  }

  consultantsByIds(ids: readonly string[]): Promise<ConsultantRecord[]> {
    return this.models.Consultant.find({ _id: { $in: ids } }).lean<ConsultantRecord[]>().exec();
  }

  consultantsOfDepartments(departmentIds: readonly string[]): Promise<ConsultantRecord[]> {
    return this.models.Consultant.find({ departmentId: { $in: departmentIds } }).sort({ name: 1 }).lean<ConsultantRecord[]>().exec();
  }
}

/** Who maintains departments and consultants. */
export function mayMaintainOrganisation(caller: Caller): boolean {
  return hasRole(caller, 'general_manager');
}

function requireGeneralManager(caller: Caller): void {
  if (!mayMaintainOrganisation(caller)) throw new ForbiddenError('Only the general manager maintains departments and consultants');
}
