import { fixedClock, type RunningService } from '@crm/kernel';
import { graphql, testServiceEnv, tokenFor } from '@crm/testing';
import { Types } from 'mongoose';
import { surveysService } from '../src/surveys.service';
import { waitFor } from './surveys-fixture';

const PROPOSAL = 'id title description departmentId source state dueAt overdue verificationNote finding { template item scores { period meanScore answers } } createdBy { id kind } startedBy { id } completedBy { id }';
const LIST = `query($s: ImprovementProposalState, $d: ID, $o: Boolean) { improvementProposals(state: $s, departmentId: $d, overdueOnly: $o) { ${PROPOSAL} } }`;
const PROPOSE = `mutation($i: ProposeImprovementInput!) { proposeImprovement(input: $i) { improvementProposal { ${PROPOSAL} } userErrors { field code message } } }`;
const START = `mutation($i: StartImprovementProposalInput!) { startImprovementProposal(input: $i) { improvementProposal { ${PROPOSAL} } userErrors { field code message } } }`;
const COMPLETE = `mutation($i: CompleteImprovementProposalInput!) { completeImprovementProposal(input: $i) { improvementProposal { ${PROPOSAL} } userErrors { field code message } } }`;

jest.setTimeout(90_000);

/** Stored responses of D-FALL's after-service survey whose STAFF_ATTITUDE falls month by month (the other items hold). */
function fallingResponses() {
  const docs = [];
  for (const [month, level] of [['2025-01', 'SATISFIED'], ['2025-02', 'FAIRLY_SATISFIED'], ['2025-03', 'BASICALLY_SATISFIED']] as const) {
    for (let i = 0; i < 5; i++) {
      const answers = ['APPOINTMENT_TIMELINESS', 'STAFF_ATTITUDE', 'STAFF_TECHNICAL_ABILITY', 'SERVICE_MATTERS', 'OTHER_NEEDS'].map((item) => ({ item, level: item === 'STAFF_ATTITUDE' ? level : 'SATISFIED', comment: null }));
      docs.push({
        _id: new Types.ObjectId(),
        customerId: new Types.ObjectId().toHexString(),
        template: 'AFTER_SERVICE',
        templateVersion: 1,
        answers,
        consultantId: 'fall-agent',
        attribution: { consultantId: 'fall-agent', departmentId: 'D-FALL', region: null, products: [] },
        respondedAt: new Date(`${month}-1${i}T10:00:00Z`),
        score: 4,
        needsFollowUp: false,
        followUpDueAt: null,
        followUpClosedAt: null,
        recordedBy: 'test',
        recordedAt: new Date(`${month}-1${i}T10:00:00Z`),
        pendingEvents: [],
      });
    }
  }
  return docs;
}

describe('surveys: improvement proposals', () => {
  const clock = fixedClock('2025-04-02T08:00:00Z');
  let service: RunningService;
  let gm: string;
  let marketing: string;
  let fallManager: string;
  let otherManager: string;
  let consultant: string;

  beforeAll(async () => {
    service = await surveysService.start({ env: testServiceEnv('surveys', { SURVEYS_FINDINGS_INTERVAL_MS: '300', SURVEYS_PROPOSAL_DUE_DAYS: '30' }), clock });
    gm = await tokenFor({ sub: 'gm-1', roles: ['general_manager'] });
    marketing = await tokenFor({ sub: 'mkt-1', roles: ['marketing'] });
    fallManager = await tokenFor({ sub: 'mgr-fall', roles: ['department_manager'], department_id: 'D-FALL' });
    otherManager = await tokenFor({ sub: 'mgr-other', roles: ['department_manager'], department_id: 'D-OTHER' });
    consultant = await tokenFor({ sub: 'c-1', roles: ['consultant'], department_id: 'D-FALL' });
  });
  afterAll(() => service.stop());

  it('turns an item score falling over three months into one proposal for the department, worked open → in progress → done', async () => {
    await service.connection.collection('survey_responses').insertMany(fallingResponses() as never[]);
    await waitFor(service, 'improvement_proposals', { departmentId: 'D-FALL', source: 'FALLING_SCORE' });
    // Later runs of the job find the same finding again and create nothing.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const list = await graphql(service.url, LIST, {}, fallManager);
    expect(list.errors).toBeUndefined();
    expect(list.data!.improvementProposals).toHaveLength(1);
    const [proposal] = list.data!.improvementProposals;
    expect(proposal).toMatchObject({
      departmentId: 'D-FALL',
      source: 'FALLING_SCORE',
      state: 'OPEN',
      overdue: false,
      dueAt: '2025-05-02T08:00:00.000Z',
      createdBy: { id: 'system:surveys-findings', kind: 'SYSTEM' },
      finding: {
        template: 'AFTER_SERVICE',
        item: 'STAFF_ATTITUDE',
        scores: [
          { period: '2025-01', meanScore: 5, answers: 5 },
          { period: '2025-02', meanScore: 4, answers: 5 },
          { period: '2025-03', meanScore: 3, answers: 5 },
        ],
      },
    });

    // Overdue once past due; another department's manager may not work it; done needs a verification note.
    clock.set('2025-05-03T08:00:00Z');
    expect((await graphql(service.url, LIST, { o: true, d: 'D-FALL' }, gm)).data!.improvementProposals.map((p: { id: string; overdue: boolean }) => [p.id, p.overdue])).toEqual([[proposal.id, true]]);
    expect((await graphql(service.url, START, { i: { id: proposal.id } }, otherManager)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const early = await graphql(service.url, COMPLETE, { i: { id: proposal.id, verificationNote: 'Retrained' } }, fallManager);
    expect(early.data!.completeImprovementProposal).toEqual({ improvementProposal: null, userErrors: [expect.objectContaining({ code: 'CONFLICT', field: null })] });
    const started = await graphql(service.url, START, { i: { id: proposal.id } }, fallManager);
    expect(started.data!.startImprovementProposal.improvementProposal).toMatchObject({ state: 'IN_PROGRESS', startedBy: { id: 'mgr-fall' } });
    const blank = await graphql(service.url, COMPLETE, { i: { id: proposal.id, verificationNote: '  ' } }, fallManager);
    expect(blank.data!.completeImprovementProposal.userErrors).toEqual([{ code: 'BAD_USER_INPUT', field: ['input', 'verificationNote'], message: 'is required' }]);
    const done = await graphql(service.url, COMPLETE, { i: { id: proposal.id, verificationNote: 'Phone etiquette training held; April score back to 4.6' } }, fallManager);
    expect(done.data!.completeImprovementProposal.improvementProposal).toMatchObject({ state: 'DONE', overdue: false, verificationNote: 'Phone etiquette training held; April score back to 4.6', completedBy: { id: 'mgr-fall' } });
  });

  it('lets marketing and the department’s manager raise a proposal by hand, with every input problem at once', async () => {
    clock.set('2025-04-02T08:00:00Z');
    const raised = await graphql(service.url, PROPOSE, { i: { title: 'Call back within a day', description: 'Customers wait too long', departmentId: 'D-FALL', dueAt: '2025-06-01T00:00:00Z', template: 'AFTER_SERVICE', item: 'APPOINTMENT_TIMELINESS' } }, marketing);
    expect(raised.data!.proposeImprovement.userErrors).toEqual([]);
    expect(raised.data!.proposeImprovement.improvementProposal).toMatchObject({ source: 'MANUAL', state: 'OPEN', createdBy: { id: 'mkt-1', kind: 'STAFF_MEMBER' }, finding: { item: 'APPOINTMENT_TIMELINESS', scores: [] } });

    const before = await service.connection.collection('improvement_proposals').countDocuments();
    const bad = await graphql(service.url, PROPOSE, { i: { title: '', description: 'x'.repeat(4001), departmentId: 'D-FALL', dueAt: '2025-06-01T00:00:00Z' } }, fallManager);
    expect(bad.errors).toBeUndefined();
    expect(bad.data!.proposeImprovement.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual(['input.title', 'input.description']);
    const past = await graphql(service.url, PROPOSE, { i: { title: 'T', description: 'D', departmentId: 'D-FALL', dueAt: '2025-01-01T00:00:00Z' } }, fallManager);
    expect(past.data!.proposeImprovement.userErrors).toEqual([{ code: 'BAD_USER_INPUT', field: ['input', 'dueAt'], message: 'must be in the future' }]);
    for (const token of [otherManager, consultant]) {
      expect((await graphql(service.url, PROPOSE, { i: { title: 'T', description: 'D', departmentId: 'D-FALL', dueAt: '2025-06-01T00:00:00Z' } }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(await service.connection.collection('improvement_proposals').countDocuments()).toBe(before);
  });
});
