import { ConflictError, fixedClock } from '@crm/kernel';
import { advance, initialQualification, stageOf, type QualificationCommand } from './qualification-workflow';
import type { QualificationRecord } from './qualification.model';

const clock = fixedClock('2025-03-03T01:00:00Z');
const survey: QualificationCommand = { type: 'survey', survey: { companyHistory: 'h', profile: 'p', financialStatements: 'f', productCatalogue: 'c' } };
const finding = (area: 'FINANCE' | 'DESIGN' | 'QUALITY'): QualificationCommand => ({ type: 'finding', finding: { area, findings: 'ok', conclusion: 'SATISFACTORY', investigator: 'x' } });
const application: QualificationCommand = { type: 'application', application: { reasons: 'r', futureTradingPolicy: 't', surveyData: 's', products: [{ product: 'P', quantity: 1 }] } };
const decision = (approved: boolean): QualificationCommand => ({ type: 'decision', approved, comment: approved ? null : 'no', departmentId: 'D-EAST' });

function run(commands: QualificationCommand[], from: QualificationRecord = initialQualification()): QualificationRecord {
  return commands.reduce((q, command) => {
    clock.advance(60_000);
    return advance(q, command, 'someone', clock.now());
  }, from);
}

describe('qualification workflow', () => {
  it('runs in order to the archive and records who and when for every step', () => {
    const done = run([
      survey,
      finding('FINANCE'),
      finding('DESIGN'),
      finding('QUALITY'),
      application,
      decision(true),
      { type: 'contracts', contracts: { supplyContractNo: 'S', qualityAssuranceContractNo: 'Q', signedOn: '2025-03-03' } },
      { type: 'registration', registration: { credentialsRef: 'idp:x' } },
      { type: 'archive' },
    ]);
    expect(done).toMatchObject({ status: 'ARCHIVED', nextStage: null, archivedBy: 'someone', archivedAt: clock.now() });
    expect(done.steps.every((s) => s.by === 'someone' && s.at instanceof Date)).toBe(true);
    expect(() => advance(done, { type: 'archive' }, 'x', clock.now())).toThrow(/procedure is complete/);
  });

  it('refuses a step out of order with the stage that comes next', () => {
    expect(() => advance(initialQualification(), application, 'x', clock.now())).toThrow(/GENERAL_SURVEY comes next/);
    const surveyed = run([survey, finding('FINANCE')]);
    expect(() => advance(surveyed, application, 'x', clock.now())).toThrow(/ONSITE_INVESTIGATION comes next/);
  });

  it('needs all three investigation areas and takes a correction of one', () => {
    const partial = run([survey, finding('FINANCE'), finding('FINANCE'), finding('QUALITY')]);
    expect(partial.nextStage).toBe('ONSITE_INVESTIGATION');
    expect(partial.investigation.map((f) => f.area)).toEqual(['FINANCE', 'QUALITY']);
    expect(partial.steps.map((s) => s.action)).toEqual(['SUBMITTED', 'SUBMITTED', 'RESUBMITTED', 'SUBMITTED']);
    expect(run([finding('DESIGN')], partial).nextStage).toBe('APPLICATION');
  });

  it('sends a rejected application back for resubmission and counts the versions', () => {
    const rejected = run([survey, finding('FINANCE'), finding('DESIGN'), finding('QUALITY'), application, decision(false)]);
    expect(rejected).toMatchObject({ status: 'REJECTED', nextStage: 'APPLICATION' });
    const approved = run([application, decision(true)], rejected);
    expect(approved).toMatchObject({ status: 'IN_PROGRESS', nextStage: 'CONTRACTS', application: { version: 2 } });
    expect(approved.decisions.map((d) => [d.approved, d.applicationVersion])).toEqual([
      [false, 1],
      [true, 2],
    ]);
  });
});

describe('qualification workflow, step by step', () => {
  const at = new Date('2025-03-04T02:00:00Z');
  const step = (stage: string, action: string, comment: string | null = null) => ({ stage, action, by: 'lead', at, comment });
  const contracts: QualificationCommand = { type: 'contracts', contracts: { supplyContractNo: 'S', qualityAssuranceContractNo: 'Q', signedOn: '2025-03-03' } };
  const registration: QualificationCommand = { type: 'registration', registration: { credentialsRef: 'idp:x' } };
  const investigated = run([survey, finding('FINANCE'), finding('DESIGN'), finding('QUALITY')]);

  it('starts with nothing recorded and the general survey next', () => {
    expect(initialQualification()).toStrictEqual({
      status: 'NOT_STARTED',
      nextStage: 'GENERAL_SURVEY',
      survey: null,
      investigation: [],
      application: null,
      decisions: [],
      contracts: null,
      registration: null,
      steps: [],
    });
  });

  it('names the stage each command belongs to', () => {
    expect(stageOf).toEqual({
      survey: 'GENERAL_SURVEY',
      finding: 'ONSITE_INVESTIGATION',
      application: 'APPLICATION',
      decision: 'APPROVAL',
      contracts: 'CONTRACTS',
      registration: 'REGISTRATION',
      archive: 'ARCHIVED',
    });
  });

  it('records the general survey, who made it and when, and starts the procedure', () => {
    const surveyed = advance(initialQualification(), survey, 'lead', at);
    expect(surveyed).toMatchObject({ status: 'IN_PROGRESS', nextStage: 'ONSITE_INVESTIGATION' });
    expect(surveyed.survey).toStrictEqual({ companyHistory: 'h', profile: 'p', financialStatements: 'f', productCatalogue: 'c', recordedBy: 'lead', recordedAt: at });
    expect(surveyed.steps).toStrictEqual([step('GENERAL_SURVEY', 'SUBMITTED')]);
  });

  it('records each finding under its area and completes the investigation with the third area', () => {
    const two = run([survey, finding('FINANCE'), finding('DESIGN')]);
    expect(two.nextStage).toBe('ONSITE_INVESTIGATION');
    const three = advance(two, finding('QUALITY'), 'lead', at);
    expect(three.nextStage).toBe('APPLICATION');
    expect(three.investigation.at(-1)).toStrictEqual({ area: 'QUALITY', findings: 'ok', conclusion: 'SATISFACTORY', investigator: 'x', recordedBy: 'lead', recordedAt: at });
    expect(three.steps.slice(-2)).toStrictEqual([step('ONSITE_INVESTIGATION', 'SUBMITTED', 'QUALITY'), step('ONSITE_INVESTIGATION', 'COMPLETED')]);
  });

  it('does not change the record it advances from', () => {
    const before = structuredClone(investigated);
    advance(investigated, application, 'lead', at);
    expect(investigated).toStrictEqual(before);
    const partial = run([survey, finding('FINANCE')]);
    const partialBefore = structuredClone(partial);
    advance(partial, finding('FINANCE'), 'lead', at);
    expect(partial).toStrictEqual(partialBefore);
  });

  it('submits the first application as version 1 and awaits the approval', () => {
    const applied = advance(investigated, application, 'lead', at);
    expect(applied).toMatchObject({ status: 'IN_PROGRESS', nextStage: 'APPROVAL' });
    expect(applied.application).toStrictEqual({ reasons: 'r', futureTradingPolicy: 't', surveyData: 's', products: [{ product: 'P', quantity: 1 }], submittedBy: 'lead', submittedAt: at, version: 1 });
    expect(applied.steps.at(-1)).toStrictEqual(step('APPLICATION', 'SUBMITTED'));
  });

  it('records an approval with its comment and the version decided, and moves on to the contracts', () => {
    const applied = run([application], investigated);
    const approved = advance(applied, { type: 'decision', approved: true, comment: 'fine', departmentId: 'D-EAST' }, 'lead', at);
    expect(approved).toMatchObject({ status: 'IN_PROGRESS', nextStage: 'CONTRACTS' });
    expect(approved.decisions).toStrictEqual([{ approved: true, comment: 'fine', decidedBy: 'lead', decidedAt: at, departmentId: 'D-EAST', applicationVersion: 1 }]);
    expect(approved.steps.at(-1)).toStrictEqual(step('APPROVAL', 'APPROVED', 'fine'));
  });

  it('records a rejection with its comment and sends the application back; the resubmission is version 2', () => {
    const rejected = advance(run([application], investigated), decision(false), 'lead', at);
    expect(rejected.steps.at(-1)).toStrictEqual(step('APPROVAL', 'REJECTED', 'no'));
    const resubmitted = advance(rejected, application, 'lead', at);
    expect(resubmitted).toMatchObject({ status: 'IN_PROGRESS', nextStage: 'APPROVAL', application: { version: 2 } });
    expect(resubmitted.steps.at(-1)).toStrictEqual(step('APPLICATION', 'RESUBMITTED'));
  });

  it('records the contracts, then the portal registration, then archives the customer', () => {
    const approved = run([application, decision(true)], investigated);
    const contracted = advance(approved, contracts, 'lead', at);
    expect(contracted.nextStage).toBe('REGISTRATION');
    expect(contracted.contracts).toStrictEqual({ supplyContractNo: 'S', qualityAssuranceContractNo: 'Q', signedOn: '2025-03-03', recordedBy: 'lead', recordedAt: at });
    expect(contracted.steps.at(-1)).toStrictEqual(step('CONTRACTS', 'COMPLETED'));
    const registered = advance(contracted, registration, 'lead', at);
    expect(registered.nextStage).toBe('ARCHIVED');
    expect(registered.registration).toStrictEqual({ credentialsRef: 'idp:x', registeredBy: 'lead', registeredAt: at });
    expect(registered.steps.at(-1)).toStrictEqual(step('REGISTRATION', 'COMPLETED'));
    const archived = advance(registered, { type: 'archive' }, 'lead', at);
    expect(archived).toMatchObject({ status: 'ARCHIVED', nextStage: null, archivedAt: at, archivedBy: 'lead' });
    expect(archived.steps.at(-1)).toStrictEqual(step('ARCHIVED', 'COMPLETED'));
  });

  it('refuses a step out of order with a conflict naming the stage tried and the one expected', () => {
    let refused: ConflictError | undefined;
    try {
      advance(initialQualification(), contracts, 'lead', at);
    } catch (error) {
      refused = error as ConflictError;
    }
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).toMatchObject({
      message: 'Qualification steps run in order: CONTRACTS is not possible now (GENERAL_SURVEY comes next)',
      details: { expectedStage: 'GENERAL_SURVEY', stage: 'CONTRACTS' },
    });
  });

  it('refuses every step once archived, even one whose stage would match', () => {
    const archived = { ...initialQualification(), status: 'ARCHIVED' as const, nextStage: 'GENERAL_SURVEY' as const };
    expect(() => advance(archived, survey, 'lead', at)).toThrow('Qualification steps run in order: GENERAL_SURVEY is not possible now (GENERAL_SURVEY comes next)');
    const done = { ...initialQualification(), status: 'ARCHIVED' as const, nextStage: null };
    expect(() => advance(done, { type: 'archive' }, 'lead', at)).toThrow('Qualification steps run in order: ARCHIVED is not possible now (the procedure is complete)');
  });
});
