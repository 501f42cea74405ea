import { groupByKeys, orderByKeys } from '@crm/data';
import { defineLoader } from '@crm/kernel';
import type { ConsultantRecord, DepartmentRecord } from './organisation.model';
import type { OrganisationService } from './organisation.service';

export function organisationLoaders(organisation: OrganisationService) {
  return {
    departmentById: defineLoader<string, DepartmentRecord | null>('departmentById', async (ids) => orderByKeys(ids, await organisation.departmentsByIds(ids), (d) => d._id)),
    consultantById: defineLoader<string, ConsultantRecord | null>('consultantById', async (ids) => orderByKeys(ids, await organisation.consultantsByIds(ids), (c) => c._id)),
    consultantsByDepartment: defineLoader<string, ConsultantRecord[]>('consultantsByDepartment', async (ids) =>
      groupByKeys(ids, await organisation.consultantsOfDepartments(ids), (c) => c.departmentId),
    ),
  };
}
export type OrganisationLoaders = ReturnType<typeof organisationLoaders>;
