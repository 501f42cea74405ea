import { fixedClock } from '@crm/kernel';
import { advance, initialQualification, type QualificationCommand } from './qualification-workflow';
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
