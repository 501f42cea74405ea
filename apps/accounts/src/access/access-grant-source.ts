import { isPartner, type Caller } from '@crm/auth';
import { assertNever } from '@crm/kernel';
import type { Model } from 'mongoose';
import type { AccessRequestRecord } from './access-request.model';
import { statusFilter } from './access-request-rules';
import type { AccessGrantScope, GrantSource } from './customer-access';

/**
 * The caller's grants in force at `now`, in one query (CustomerAccess asks once per request). Expiry is
 * compared with the injected clock here, on every request: no TTL index or job has to run for an expired
 * grant to stop working.
 */
export class AccessGrantSource implements GrantSource {
  constructor(private readonly requests: Model<AccessRequestRecord>) {}

  async activeGrants(caller: Caller, now: Date): Promise<AccessGrantScope[]> {
    if (isPartner(caller)) return [];
    const grants = await this.requests
      .find({ requesterId: caller.userId, ...statusFilter('APPROVED', now) }, { scope: 1, expiresAt: 1 })
      .lean<Pick<AccessRequestRecord, '_id' | 'scope' | 'expiresAt'>[]>();
    return grants.map(toGrantScope);
  }
}

function toGrantScope(grant: Pick<AccessRequestRecord, '_id' | 'scope' | 'expiresAt'>): AccessGrantScope {
  const base = { grantId: String(grant._id), expiresAt: grant.expiresAt! };
  switch (grant.scope.kind) {
    case 'CUSTOMER':
      return { ...base, customerId: grant.scope.customerId! };
    case 'CONSULTANT':
      return { ...base, ownerId: grant.scope.consultantId! };
    case 'DEPARTMENT':
      return { ...base, departmentId: grant.scope.departmentId };
    default:
      return assertNever(grant.scope.kind, 'access scope kind');
  }
}
