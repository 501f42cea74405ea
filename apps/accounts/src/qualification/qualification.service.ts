import { hasRole } from '@crm/auth';
import { customerArchivedV1 } from '@crm/contracts';
import { createEvent } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, parseInput } from '@crm/kernel';
import type { CustomerAccess } from '../access/customer-access';
import type { CustomerExtension } from '../customers/customer-extensions';
import type { ChangeEntry, CustomerStore } from '../customers/customer-store';
import type { CustomerRecord, Lifecycle } from '../customers/customer.model';
import type { CustomersService } from '../customers/customers.service';
import {
  generalSurveyInput,
  investigationFindingInput,
  portalRegistrationInput,
  qualificationApplicationInput,
  qualificationContractsInput,
  qualificationDecisionInput,
  qualificationTarget,
} from './qualification-input';
import { advance, initialQualification, stageOf, type QualificationCommand } from './qualification-workflow';

/** The new-customer selection procedure (新客户选择程序) for organisation customers, on the customer itself. */
export class QualificationService {
  constructor(
    private readonly store: CustomerStore,
    private readonly customers: CustomersService,
  ) {}

  extension(): CustomerExtension {
    return {
      name: 'qualification',
      onCreate: ({ draft }) => ({ qualification: draft.kind === 'ORGANISATION' ? initialQualification() : null }),
      filter: (filter) => {
        const criteria: Record<string, unknown>[] = [];
        if (filter.qualificationStage) criteria.push({ 'qualification.nextStage': filter.qualificationStage });
        if (filter.qualificationStatus) criteria.push({ 'qualification.status': filter.qualificationStatus });
        return criteria;
      },
    };
  }

  // Each step takes its mutation's input: `customerId` and the step's data (problems named under `input`).
  recordSurvey(access: CustomerAccess, input: unknown) {
    const { customerId, ...survey } = parseInput(generalSurveyInput.extend(qualificationTarget.shape), input);
    return this.step(access, customerId, { type: 'survey', survey });
  }

  recordFinding(access: CustomerAccess, input: unknown) {
    const { customerId, ...finding } = parseInput(investigationFindingInput.extend(qualificationTarget.shape), input);
    return this.step(access, customerId, { type: 'finding', finding });
  }

  submitApplication(access: CustomerAccess, input: unknown) {
    const { customerId, ...application } = parseInput(qualificationApplicationInput.extend(qualificationTarget.shape), input);
    return this.step(access, customerId, { type: 'application', application: { ...application, products: application.products.map((p) => ({ ...p, unit: p.unit ?? null })) } });
  }

  decide(access: CustomerAccess, input: unknown) {
    const { customerId, approved, comment } = parseInput(qualificationDecisionInput.and(qualificationTarget), input);
    return this.step(access, customerId, (customer) => ({ type: 'decision', approved, comment: comment ?? null, departmentId: customer.departmentId }));
  }

  recordContracts(access: CustomerAccess, input: unknown) {
    const { customerId, ...contracts } = parseInput(qualificationContractsInput.extend(qualificationTarget.shape), input);
    return this.step(access, customerId, { type: 'contracts', contracts });
  }

  registerPortal(access: CustomerAccess, input: unknown) {
    const { customerId, ...registration } = parseInput(portalRegistrationInput.extend(qualificationTarget.shape), input);
    return this.step(access, customerId, { type: 'registration', registration });
  }

  archive(access: CustomerAccess, input: unknown) {
    const { customerId } = parseInput(qualificationTarget, input);
    return this.step(access, customerId, { type: 'archive' });
  }

  private async step(access: CustomerAccess, customerId: string, commandOf: QualificationCommand | ((customer: CustomerRecord) => QualificationCommand)): Promise<CustomerRecord> {
    const customer = await this.customers.findVisible(access, customerId);
    if (!customer) throw new NotFoundError('Customer', customerId);
    if (customer.kind !== 'ORGANISATION') throw new BadUserInputError('input.customerId', 'the qualification procedure is for organisation customers');
    const actor = actorOf(access.caller);
    return this.store.modify(customer._id, actor, (current) => {
      const command = typeof commandOf === 'function' ? commandOf(current) : commandOf;
      this.authorise(access, current, command);
      if (!['PROSPECT', 'QUALIFYING'].includes(current.lifecycle)) {
        throw new ConflictError(`Qualification is for new customers; this one is ${current.lifecycle}`);
      }
      const now = this.store.now();
      const before = current.qualification ?? initialQualification();
      const after = advance(before, command, access.caller.userId, now);
      const lifecycle: Lifecycle = command.type === 'archive' ? 'ACTIVE' : 'QUALIFYING';
      const changes: ChangeEntry[] = [{ field: `qualification.${stageOf[command.type]}`, before: before.status, after: summary(command, after.steps.at(-1)?.action) }];
      if (lifecycle !== current.lifecycle) changes.push({ field: 'lifecycle', before: current.lifecycle, after: lifecycle });
      const events =
        command.type === 'archive'
          ? [
              createEvent(customerArchivedV1, {
                subject: String(current._id),
                actor,
                time: now,
                data: {
                  customerId: String(current._id),
                  customerName: current.name,
                  ownerConsultantId: current.ownerId,
                  departmentId: current.departmentId,
                  portalCredentialsRef: after.registration!.credentialsRef,
                  supplyContractNo: after.contracts!.supplyContractNo,
                  qualityAssuranceContractNo: after.contracts!.qualityAssuranceContractNo,
                  archivedAt: now.toISOString(),
                },
              }),
            ]
          : [];
      return { set: { qualification: after, lifecycle }, changes, events };
    });
  }

  /** Who takes which step: the customer's editors; finance and technical staff their investigation; the department manager decides. */
  private authorise(access: CustomerAccess, customer: CustomerRecord, command: QualificationCommand): void {
    const { caller } = access;
    if (command.type === 'decision') {
      const responsible = hasRole(caller, 'general_manager') || (hasRole(caller, 'department_manager') && caller.departmentId === customer.departmentId);
      if (!responsible) throw new ForbiddenError('The responsible department\'s manager (or the general manager) decides on a qualification');
      return;
    }
    if (command.type === 'finding') {
      const investigator = command.finding.area === 'FINANCE' ? hasRole(caller, 'finance') : hasRole(caller, 'technical_staff');
      if (investigator || access.canEdit(customer)) return;
      throw new ForbiddenError(`The ${command.finding.area.toLowerCase()} investigation is recorded by its department or the customer's editors`);
    }
    if (!access.canEdit(customer)) throw new ForbiddenError('You may not change this customer');
  }
}

function summary(command: QualificationCommand, action: string | undefined): Record<string, unknown> {
  switch (command.type) {
    case 'finding':
      return { action, area: command.finding.area, conclusion: command.finding.conclusion };
    case 'decision':
      return { action, approved: command.approved, comment: command.comment };
    case 'contracts':
      return { action, supplyContractNo: command.contracts.supplyContractNo, qualityAssuranceContractNo: command.contracts.qualityAssuranceContractNo };
    case 'registration':
      return { action, credentialsRef: command.registration.credentialsRef };
    default:
      return { action };
  }
}
