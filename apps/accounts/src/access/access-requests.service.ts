import { isPartner, type Caller } from '@crm/auth';
import { accessApprovedV1, accessRejectedV1, accessRequestedV1, accessRevokedV1, type AccessScopePayload } from '@crm/contracts';
import { paginateById, type Connection as Page, type PageArgs } from '@crm/data';
import { createEvent, withEvents } from '@crm/events';
import { actorOf, assertNever, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, parseInput, type Clock } from '@crm/kernel';
import { isValidObjectId, Types, type Model } from 'mongoose';
import type { CustomerRecord } from '../customers/customer.model';
import type { OrganisationService } from '../organisation/organisation.service';
import { approveAccessRequestInput, rejectAccessRequestInput, requestCustomerAccessInput, revokeAccessGrantInput, type RequestCustomerAccessInput } from './access-request-input';
import type { AccessRequestRecord, AccessScopeRecord } from './access-request.model';
import {
  approvedExpiryProblem,
  approverFor,
  assertDecisionAllowed,
  awaitingApprovalFilter,
  mayRequestAccess,
  coveredByOwnScope,
  effectiveStatus,
  mayDecide,
  mayReadRequest,
  mayRevoke,
  requestedExpiryProblem,
  statusFilter,
  visibleGrantsFilter,
  type AccessRequestStatus,
} from './access-request-rules';

/** What access requests need to know about a customer: who owns it, in which department, which partners see it. */
export type CustomerScopeLookup = (id: string) => Promise<Pick<CustomerRecord, '_id' | 'ownerId' | 'departmentId' | 'partnerIds'> | null>;

export interface AccessRequestsSettings {
  /** The longest a grant may last, in days from the moment it is requested. */
  maxGrantDays: number;
}

/** Access requests and grants (docs/domain/accounts.md, 客户档案查阅): who may ask, who decides, and what each step records. */
export class AccessRequestsService {
  constructor(
    private readonly requests: Model<AccessRequestRecord>,
    private readonly organisation: Pick<OrganisationService, 'consultantsByIds' | 'departmentsByIds'>,
    private readonly customerScope: CustomerScopeLookup,
    private readonly clock: Clock,
    private readonly settings: AccessRequestsSettings,
  ) {}

  /** The status a reader sees now (EXPIRED is read from the clock, never stored). */
  statusOf(request: AccessRequestRecord): AccessRequestStatus {
    return effectiveStatus(request, this.clock.now());
  }

  async request(caller: Caller, rawInput: unknown): Promise<AccessRequestRecord> {
    if (!mayRequestAccess(caller)) throw new ForbiddenError('Partners cannot request access to the customer archive');
    const now = this.clock.now();
    // The expiry is checked with the shape, so a request with several problems hears of all of them at once.
    const checked = requestCustomerAccessInput.superRefine(({ expiresAt }, ctx) => {
      const problem = expiresAt instanceof Date ? requestedExpiryProblem(expiresAt, { now, maxDays: this.settings.maxGrantDays }) : null;
      if (problem) ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: problem });
    });
    const input = parseInput(checked, rawInput);

    const { scope, customer } = await this.resolveScope(input.scope);
    if (coveredByOwnScope(caller, scope, customer ?? undefined)) throw new BadUserInputError('input.scope', 'you can already read these customers');
    const requesterDepartmentId = await this.departmentOf(caller);
    const sameScope = { 'scope.kind': scope.kind, 'scope.customerId': scope.customerId, 'scope.consultantId': scope.consultantId, 'scope.departmentId': scope.departmentId };
    const pendingSame = await this.requests.exists({ requesterId: caller.userId, ...sameScope, ...statusFilter('REQUESTED', now) });
    if (pendingSame) throw new ConflictError('You already asked for this access; wait for the decision', { requestId: String(pendingSame._id) });

    const _id = new Types.ObjectId();
    const approver = approverFor(requesterDepartmentId, scope.departmentId);
    const record = {
      _id,
      requesterId: caller.userId,
      requesterDepartmentId,
      scope,
      reason: input.reason,
      requestedExpiresAt: input.expiresAt,
      ...approver,
      status: 'REQUESTED' as const,
      revision: 0,
      createdAt: now,
      updatedAt: now,
    };
    const event = createEvent(accessRequestedV1, {
      subject: String(_id),
      actor: actorOf(caller),
      time: now,
      data: {
        requestId: String(_id),
        requesterId: caller.userId,
        scope: scopePayload(scope),
        reason: input.reason,
        requestedExpiresAt: input.expiresAt.toISOString(),
        ...approver,
      },
    });
    const created = await this.requests.create({ ...record, pendingEvents: [event] });
    return created.toObject();
  }

  /** The designated approver grants the request `input.id`, until `input.expiresAt` if given (never later than requested). */
  async approve(caller: Caller, rawInput: unknown): Promise<AccessRequestRecord> {
    const { id, expiresAt: chosenExpiry } = parseInput(approveAccessRequestInput, rawInput);
    const current = await this.decidable(caller, id);
    const now = this.clock.now();
    assertDecisionAllowed(current, 'APPROVED', now);
    const expiresAt = chosenExpiry ?? current.requestedExpiresAt;
    const expiryProblem = approvedExpiryProblem(expiresAt, current.requestedExpiresAt, now);
    if (expiryProblem) throw new BadUserInputError('input.expiresAt', expiryProblem);
    const event = createEvent(accessApprovedV1, {
      subject: id,
      actor: actorOf(caller),
      time: now,
      data: { ...eventBase(current), approvedBy: caller.userId, approvedAt: now.toISOString(), expiresAt: expiresAt.toISOString() },
    });
    return this.transition(current, { status: 'APPROVED', expiresAt, decidedBy: caller.userId, decidedAt: now, updatedAt: now }, event);
  }

  async reject(caller: Caller, rawInput: unknown): Promise<AccessRequestRecord> {
    const { id, reason } = parseInput(rejectAccessRequestInput, rawInput);
    const current = await this.decidable(caller, id);
    const now = this.clock.now();
    assertDecisionAllowed(current, 'REJECTED', now);
    const event = createEvent(accessRejectedV1, {
      subject: id,
      actor: actorOf(caller),
      time: now,
      data: { ...eventBase(current), rejectedBy: caller.userId, rejectedAt: now.toISOString(), reason },
    });
    return this.transition(current, { status: 'REJECTED', rejectionReason: reason, decidedBy: caller.userId, decidedAt: now, updatedAt: now }, event);
  }

  async revoke(caller: Caller, rawInput: unknown): Promise<AccessRequestRecord> {
    const { id, reason: given } = parseInput(revokeAccessGrantInput, rawInput);
    const reason = given ?? null;
    const current = await this.existing(id);
    if (!mayRevoke(caller, current)) throw new ForbiddenError('Only the grantee, the approver or the general manager may revoke this grant');
    const now = this.clock.now();
    assertDecisionAllowed(current, 'REVOKED', now);
    const event = createEvent(accessRevokedV1, {
      subject: id,
      actor: actorOf(caller),
      time: now,
      data: { ...eventBase(current), revokedBy: caller.userId, revokedAt: now.toISOString(), reason },
    });
    return this.transition(current, { status: 'REVOKED', revokedBy: caller.userId, revokedAt: now, revocationReason: reason, updatedAt: now }, event);
  }

  /** A request the caller may read; null when it does not exist or is none of their business. */
  async find(caller: Caller, id: string): Promise<AccessRequestRecord | null> {
    if (!isValidObjectId(id)) return null;
    const request = await this.requests.findById(id).lean<AccessRequestRecord>();
    return request && mayReadRequest(caller, request) ? request : null;
  }

  mine(caller: Caller, status: AccessRequestStatus | null | undefined, page: PageArgs): Promise<Page<AccessRequestRecord>> {
    const criteria: Record<string, unknown>[] = [{ requesterId: caller.userId }];
    if (status) criteria.push(statusFilter(status, this.clock.now()));
    return paginateById<AccessRequestRecord>(this.requests, { $and: criteria }, page);
  }

  awaitingApproval(caller: Caller, page: PageArgs): Promise<Page<AccessRequestRecord>> {
    const queue = awaitingApprovalFilter(caller);
    if (!queue) throw new ForbiddenError('Only department managers and the general manager decide access requests');
    return paginateById<AccessRequestRecord>(this.requests, { $and: [queue, statusFilter('REQUESTED', this.clock.now())] }, page);
  }

  grantsInForce(caller: Caller, granteeId: string | null | undefined, page: PageArgs): Promise<Page<AccessRequestRecord>> {
    if (isPartner(caller)) throw new ForbiddenError('Partners hold no access grants');
    const criteria = [visibleGrantsFilter(caller), statusFilter('APPROVED', this.clock.now())];
    if (granteeId) criteria.push({ requesterId: granteeId });
    return paginateById<AccessRequestRecord>(this.requests, { $and: criteria }, page);
  }

  private async decidable(caller: Caller, id: string): Promise<AccessRequestRecord> {
    const current = await this.existing(id);
    if (!mayDecide(caller, current)) {
      throw new ForbiddenError(
        current.approverRole === 'GENERAL_MANAGER' ? 'Only the general manager decides this request' : `Only the manager of ${current.approverDepartmentId} decides this request`,
      );
    }
    return current;
  }

  private async existing(id: string): Promise<AccessRequestRecord> {
    const request = isValidObjectId(id) ? await this.requests.findById(id).lean<AccessRequestRecord>() : null;
    if (!request) throw new NotFoundError('AccessRequest', id);
    return request;
  }

  /** One single-document write: the transition and its event commit together, or the request moved meanwhile. */
  private async transition(current: AccessRequestRecord, set: Partial<AccessRequestRecord>, event: ReturnType<typeof createEvent>): Promise<AccessRequestRecord> {
    const updated = await this.requests
      .findOneAndUpdate({ _id: current._id, revision: current.revision, status: current.status }, withEvents<AccessRequestRecord>({ $set: set, $inc: { revision: 1 } }, event), {
        returnDocument: 'after',
      })
      .lean<AccessRequestRecord>();
    if (!updated) throw new ConflictError('The access request was changed by someone else; reload and try again');
    return updated;
  }

  private async resolveScope(input: RequestCustomerAccessInput['scope']): Promise<{ scope: AccessScopeRecord; customer: Awaited<ReturnType<CustomerScopeLookup>> }> {
    switch (input.kind) {
      case 'CUSTOMER': {
        const customer = await this.customerScope(input.customerId!);
        if (!customer) throw new NotFoundError('Customer', input.customerId!);
        return { scope: { kind: 'CUSTOMER', customerId: String(customer._id), consultantId: null, departmentId: customer.departmentId }, customer };
      }
      case 'CONSULTANT': {
        const [consultant] = await this.organisation.consultantsByIds([input.consultantId!]);
        if (!consultant) throw new NotFoundError('Consultant', input.consultantId!);
        return { scope: { kind: 'CONSULTANT', customerId: null, consultantId: consultant._id, departmentId: consultant.departmentId }, customer: null };
      }
      case 'DEPARTMENT': {
        const [department] = await this.organisation.departmentsByIds([input.departmentId!]);
        if (!department) throw new NotFoundError('Department', input.departmentId!);
        return { scope: { kind: 'DEPARTMENT', customerId: null, consultantId: null, departmentId: department._id }, customer: null };
      }
      default:
        return assertNever(input.kind, 'access scope kind');
    }
  }

  /** The requester's department: accounts' consultant record when there is one (fresher than a token), else the token's. */
  private async departmentOf(caller: Caller): Promise<string | null> {
    const [consultant] = await this.organisation.consultantsByIds([caller.userId]);
    return consultant?.departmentId ?? caller.departmentId ?? null;
  }
}

function scopePayload(scope: AccessScopeRecord): AccessScopePayload {
  return { kind: scope.kind, customerId: scope.customerId, consultantId: scope.consultantId, departmentId: scope.departmentId };
}

function eventBase(request: AccessRequestRecord) {
  return { requestId: String(request._id), requesterId: request.requesterId, scope: scopePayload(request.scope) };
}
