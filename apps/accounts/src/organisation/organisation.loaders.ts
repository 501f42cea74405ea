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
    /** The consultants a partner may read (those owning one of its linked customers), by partner id: one query per request. */
    consultantsOfPartner: defineLoader<string, Set<string>>('consultantsOfPartner', async (partnerIds) => {
      const owners = await organisation.ownersOfLinkedCustomers(partnerIds);
      return partnerIds.map((id) => owners.get(id) ?? new Set());
    }),
  };
}
export type OrganisationLoaders = ReturnType<typeof organisationLoaders>;
