import { assertNever, ConflictError } from '@crm/kernel';
import {
  investigationAreas,
  type GeneralSurveyRecord,
  type InvestigationFindingRecord,
  type PortalRegistrationRecord,
  type QualificationApplicationRecord,
  type QualificationContractsRecord,
  type QualificationRecord,
  type QualificationStage,
  type QualificationStepRecord,
} from './qualification.model';

/** One step of the procedure, as the person taking it states it. */
export type QualificationCommand =
  | { type: 'survey'; survey: Omit<GeneralSurveyRecord, 'recordedBy' | 'recordedAt'> }
  | { type: 'finding'; finding: Omit<InvestigationFindingRecord, 'recordedBy' | 'recordedAt'> }
  | { type: 'application'; application: Omit<QualificationApplicationRecord, 'submittedBy' | 'submittedAt' | 'version'> }
  | { type: 'decision'; approved: boolean; comment: string | null; departmentId: string }
  | { type: 'contracts'; contracts: Omit<QualificationContractsRecord, 'recordedBy' | 'recordedAt'> }
  | { type: 'registration'; registration: Omit<PortalRegistrationRecord, 'registeredBy' | 'registeredAt'> }
  | { type: 'archive' };

/** The stage each command belongs to: it is only accepted while that stage is the next one. */
export const stageOf: Record<QualificationCommand['type'], QualificationStage> = {
  survey: 'GENERAL_SURVEY',
  finding: 'ONSITE_INVESTIGATION',
  application: 'APPLICATION',
  decision: 'APPROVAL',
  contracts: 'CONTRACTS',
  registration: 'REGISTRATION',
  archive: 'ARCHIVED',
};

export function initialQualification(): QualificationRecord {
  return { status: 'NOT_STARTED', nextStage: 'GENERAL_SURVEY', survey: null, investigation: [], application: null, decisions: [], contracts: null, registration: null, steps: [] };
}

/**
 * The procedure of docs/domain/accounts.md as a state machine: general survey → on-site investigation (finance, design and
 * quality each report) → application → approval (a rejection sends the application back for resubmission) →
 * contracts (supply and quality assurance together) → registration → archived. Steps only in order.
 */
export function advance(current: QualificationRecord, command: QualificationCommand, by: string, at: Date): QualificationRecord {
  const stage = stageOf[command.type];
  if (current.status === 'ARCHIVED' || current.nextStage !== stage) {
    const expected = current.nextStage ? `${current.nextStage} comes next` : 'the procedure is complete';
    throw new ConflictError(`Qualification steps run in order: ${stage} is not possible now (${expected})`, { expectedStage: current.nextStage, stage });
  }
  const step = (action: QualificationStepRecord['action'], comment: string | null = null): QualificationStepRecord => ({ stage, action, by, at, comment });
  const next: QualificationRecord = { ...current, investigation: [...current.investigation], decisions: [...current.decisions], steps: [...current.steps] };
  switch (command.type) {
    case 'survey':
      next.survey = { ...command.survey, recordedBy: by, recordedAt: at };
      next.status = 'IN_PROGRESS';
      next.nextStage = 'ONSITE_INVESTIGATION';
      next.steps.push(step('SUBMITTED'));
      return next;
    case 'finding': {
      const corrected = next.investigation.some((f) => f.area === command.finding.area);
      next.investigation = [...next.investigation.filter((f) => f.area !== command.finding.area), { ...command.finding, recordedBy: by, recordedAt: at }];
      next.steps.push(step(corrected ? 'RESUBMITTED' : 'SUBMITTED', command.finding.area));
      if (investigationAreas.every((area) => next.investigation.some((f) => f.area === area))) {
        next.nextStage = 'APPLICATION';
        next.steps.push(step('COMPLETED'));
      }
      return next;
    }
    case 'application': {
      const version = (current.application?.version ?? 0) + 1;
      next.application = { ...command.application, submittedBy: by, submittedAt: at, version };
      next.status = 'IN_PROGRESS';
      next.nextStage = 'APPROVAL';
      next.steps.push(step(version > 1 ? 'RESUBMITTED' : 'SUBMITTED'));
      return next;
    }
    case 'decision':
      next.decisions.push({ approved: command.approved, comment: command.comment, decidedBy: by, decidedAt: at, departmentId: command.departmentId, applicationVersion: current.application?.version ?? 1 });
      if (command.approved) {
        next.nextStage = 'CONTRACTS';
        next.steps.push(step('APPROVED', command.comment));
      } else {
        next.status = 'REJECTED';
        next.nextStage = 'APPLICATION';
        next.steps.push(step('REJECTED', command.comment));
      }
      return next;
    case 'contracts':
      next.contracts = { ...command.contracts, recordedBy: by, recordedAt: at };
      next.nextStage = 'REGISTRATION';
      next.steps.push(step('COMPLETED'));
      return next;
    case 'registration':
      next.registration = { ...command.registration, registeredBy: by, registeredAt: at };
      next.nextStage = 'ARCHIVED';
      next.steps.push(step('COMPLETED'));
      return next;
    case 'archive':
      next.status = 'ARCHIVED';
      next.nextStage = null;
      next.archivedAt = at;
      next.archivedBy = by;
      next.steps.push(step('COMPLETED'));
      return next;
    default:
      return assertNever(command, 'qualification command');
  }
}
