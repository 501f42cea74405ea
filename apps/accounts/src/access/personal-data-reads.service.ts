import { hasRole, isPartner, type Caller } from '@crm/auth';
import { paginateById, type Connection as Page, type PageArgs } from '@crm/data';
import { ForbiddenError, parseInput } from '@crm/kernel';
import type { Model } from 'mongoose';
import { personalDataReadFilterInput } from './access-request-input';
import type { PersonalDataReadRecord } from './personal-data-read.model';

/** The personal-data audit log as managers query it: the general manager all of it, a department manager their department's customers. */
export class PersonalDataReadsService {
  constructor(private readonly reads: Model<PersonalDataReadRecord>) {}

  async list(caller: Caller, rawFilter: unknown, page: PageArgs): Promise<Page<PersonalDataReadRecord>> {
    const criteria: Record<string, unknown>[] = [auditScope(caller)];
    const filter = parseInput(personalDataReadFilterInput, rawFilter, 'filter');
    if (filter.customerId) criteria.push({ customerId: filter.customerId });
    if (filter.readerId) criteria.push({ readerId: filter.readerId });
    if (filter.from) criteria.push({ at: { $gte: filter.from } });
    if (filter.to) criteria.push({ at: { $lt: filter.to } });
    // An audit log is read from the latest read backwards.
    return paginateById<PersonalDataReadRecord>(this.reads, { $and: criteria }, page, undefined, 'DESC');
  }
}

/** The part of the audit log the caller reads: all of it, a department's, or none (null). */
export function personalDataAuditScope(caller: Caller): Record<string, unknown> | null {
  if (isPartner(caller)) return null;
  if (hasRole(caller, 'general_manager')) return {};
  if (hasRole(caller, 'department_manager') && caller.departmentId) return { departmentId: caller.departmentId };
  return null;
}

function auditScope(caller: Caller): Record<string, unknown> {
  const scope = personalDataAuditScope(caller);
  if (!scope) throw new ForbiddenError('Only department managers and the general manager read the personal-data audit log');
  return scope;
}
