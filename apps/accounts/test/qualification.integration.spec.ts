import { customerArchivedV1 } from '@crm/contracts';
import { startAccountsWorld, type AccountsWorld } from './accounts-fixture';

const Q = `lifecycle qualification { status nextStage survey { companyHistory recordedBy } investigation { area conclusion investigator recordedBy } application { version products { product quantity unit } submittedBy } decisions { approved comment decidedBy department { id } applicationVersion } contracts { supplyContractNo qualityAssuranceContractNo signedOn } registration { credentialsRef registeredBy } archivedAt archivedBy steps { stage action by comment } }`;
const SURVEY = `mutation($id: ID!, $i: GeneralSurveyInput!) { recordGeneralSurvey(customerId: $id, input: $i) { ${Q} } }`;
const FINDING = `mutation($id: ID!, $i: InvestigationFindingInput!) { recordInvestigationFinding(customerId: $id, input: $i) { ${Q} } }`;
const APPLY = `mutation($id: ID!, $i: QualificationApplicationInput!) { submitQualificationApplication(customerId: $id, input: $i) { ${Q} } }`;
const DECIDE = `mutation($id: ID!, $i: QualificationDecisionInput!) { decideQualification(customerId: $id, input: $i) { ${Q} } }`;
const CONTRACTS = `mutation($id: ID!, $i: QualificationContractsInput!) { recordQualificationContracts(customerId: $id, input: $i) { ${Q} } }`;
const REGISTER = `mutation($id: ID!, $i: PortalRegistrationInput!) { registerCustomerPortal(customerId: $id, input: $i) { ${Q} } }`;
const ARCHIVE = `mutation($id: ID!) { archiveQualifiedCustomer(customerId: $id) { ${Q} } }`;

const survey = { companyHistory: 'Founded 1998 as a state workshop', profile: '420 staff, two plants', financialStatements: 'dms://finance/2024/jinling.pdf', productCatalogue: 'dms://catalogues/jinling-2025.pdf' };
const application = { reasons: 'Regional leader in precision parts', futureTradingPolicy: 'Framework contract, quarterly orders', surveyData: 'Survey of 2025-03', products: [{ product: 'P-100 pump', quantity: 200, unit: 'pcs' }] };
const contracts = { supplyContractNo: 'SC-2025-001', qualityAssuranceContractNo: 'QA-2025-001', signedOn: '2025-03-03' };

describe('accounts: new-customer qualification', () => {
  let w: AccountsWorld;
  beforeAll(async () => {
    w = await startAccountsWorld();
  });
  afterAll(() => w.service.stop());

  it('runs survey → investigation → application → rejection → resubmission → approval → contracts → registration → archive, with who and when', async () => {
    const id = await w.customer({ name: 'Qualifying Machinery', ownerId: 'alice' });
    const start = await w.ok(`query($id: ID!) { customer(id: $id) { ${Q} } }`, { id }, w.tokens.alice);
    expect(start.customer.qualification).toMatchObject({ status: 'NOT_STARTED', nextStage: 'GENERAL_SURVEY', steps: [] });

    const surveyed = (await w.ok(SURVEY, { id, i: survey }, w.tokens.alice)).recordGeneralSurvey;
    expect(surveyed).toMatchObject({ lifecycle: 'QUALIFYING', qualification: { status: 'IN_PROGRESS', nextStage: 'ONSITE_INVESTIGATION', survey: { recordedBy: 'alice' } } });

    const early = await w.fails(APPLY, { id, i: application }, w.tokens.alice);
    expect(early.extensions).toMatchObject({ code: 'CONFLICT', expectedStage: 'ONSITE_INVESTIGATION', stage: 'APPLICATION' });

    await w.ok(FINDING, { id, i: { area: 'FINANCE', findings: 'Healthy cash flow', conclusion: 'SATISFACTORY', investigator: 'Gao' } }, w.tokens.finance);
    await w.ok(FINDING, { id, i: { area: 'DESIGN', findings: 'CAD capable', conclusion: 'CONCERNS', investigator: 'Hu' } }, w.tokens.technical);
    const investigated = (await w.ok(FINDING, { id, i: { area: 'QUALITY', findings: 'ISO 9001 certified', conclusion: 'SATISFACTORY', investigator: 'Qian' } }, w.tokens.technical)).recordInvestigationFinding;
    expect(investigated.qualification.nextStage).toBe('APPLICATION');
    expect(investigated.qualification.investigation.map((f: any) => [f.area, f.recordedBy])).toEqual([
      ['FINANCE', 'fin-1'],
      ['DESIGN', 'tech-1'],
      ['QUALITY', 'tech-1'],
    ]);

    await w.ok(APPLY, { id, i: application }, w.tokens.alice);
    expect((await w.fails(DECIDE, { id, i: { approved: true } }, w.tokens.alice)).extensions?.code).toBe('FORBIDDEN');
    expect((await w.fails(DECIDE, { id, i: { approved: false } }, w.tokens.eastManager)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.comment' });
    const rejected = (await w.ok(DECIDE, { id, i: { approved: false, comment: 'Quantities too vague' } }, w.tokens.eastManager)).decideQualification;
    expect(rejected.qualification).toMatchObject({ status: 'REJECTED', nextStage: 'APPLICATION' });
    expect((await w.fails(CONTRACTS, { id, i: contracts }, w.tokens.alice)).extensions?.code).toBe('CONFLICT');

    const resubmitted = (await w.ok(APPLY, { id, i: { ...application, products: [{ product: 'P-100 pump', quantity: 240, unit: 'pcs' }] } }, w.tokens.alice)).submitQualificationApplication;
    expect(resubmitted.qualification).toMatchObject({ status: 'IN_PROGRESS', nextStage: 'APPROVAL', application: { version: 2, products: [{ quantity: 240 }] } });
    const approved = (await w.ok(DECIDE, { id, i: { approved: true, comment: 'Go ahead' } }, w.tokens.eastManager)).decideQualification;
    expect(approved.qualification.decisions).toEqual([
      { approved: false, comment: 'Quantities too vague', decidedBy: 'mgr-east', department: { id: 'D-EAST' }, applicationVersion: 1 },
      { approved: true, comment: 'Go ahead', decidedBy: 'mgr-east', department: { id: 'D-EAST' }, applicationVersion: 2 },
    ]);

    // Signed together: a supply contract alone is not even a valid request.
    expect((await w.fails(CONTRACTS, { id, i: { supplyContractNo: 'SC-1', signedOn: '2025-03-03' } }, w.tokens.alice)).extensions?.code).toBe('BAD_USER_INPUT');
    expect((await w.fails(CONTRACTS, { id, i: { ...contracts, qualityAssuranceContractNo: ' ' } }, w.tokens.alice)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.qualityAssuranceContractNo' });
    await w.ok(CONTRACTS, { id, i: contracts }, w.tokens.alice);
    const secretLike = await w.fails(REGISTER, { id, i: { credentialsRef: 'hunter2' } }, w.tokens.alice);
    expect(secretLike.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.credentialsRef' });
    await w.ok(REGISTER, { id, i: { credentialsRef: 'idp:portal/qualifying-machinery' } }, w.tokens.alice);

    const archived = (await w.ok(ARCHIVE, { id }, w.tokens.marketing)).archiveQualifiedCustomer;
    expect(archived).toMatchObject({ lifecycle: 'ACTIVE', qualification: { status: 'ARCHIVED', nextStage: null, archivedBy: 'mkt-1', archivedAt: w.clock.now().toISOString() } });
    expect(archived.qualification.steps.map((s: any) => `${s.stage}:${s.action}`)).toEqual([
      'GENERAL_SURVEY:SUBMITTED',
      'ONSITE_INVESTIGATION:SUBMITTED',
      'ONSITE_INVESTIGATION:SUBMITTED',
      'ONSITE_INVESTIGATION:SUBMITTED',
      'ONSITE_INVESTIGATION:COMPLETED',
      'APPLICATION:SUBMITTED',
      'APPROVAL:REJECTED',
      'APPLICATION:RESUBMITTED',
      'APPROVAL:APPROVED',
      'CONTRACTS:COMPLETED',
      'REGISTRATION:COMPLETED',
      'ARCHIVED:COMPLETED',
    ]);

    const events = await w.events(customerArchivedV1, id);
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ customerId: id, ownerConsultantId: 'alice', departmentId: 'D-EAST', portalCredentialsRef: 'idp:portal/qualifying-machinery', supplyContractNo: 'SC-2025-001', qualityAssuranceContractNo: 'QA-2025-001' });
    expect((await w.fails(ARCHIVE, { id }, w.tokens.marketing)).extensions?.code).toBe('CONFLICT');

    const list = await w.ok('query { customers(filter: {qualificationStatus: ARCHIVED}) { edges { node { id } } } }', {}, w.tokens.gm);
    expect(list.customers.edges.map((e: any) => e.node.id)).toContain(id);
  });

  it('is only for organisation customers that are still new', async () => {
    const person = await w.customer({ name: 'Mr Individual', kind: 'INDIVIDUAL', listType: 'INDIVIDUAL' });
    expect((await w.fails(SURVEY, { id: person, i: survey }, w.tokens.gm)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customerId' });
    const established = await w.customer({ name: 'Already Active' });
    await w.ok('mutation($id: ID!) { a: updateCustomer(id: $id, input: {lifecycle: QUALIFYING}) { id } }', { id: established }, w.tokens.gm);
    await w.ok('mutation($id: ID!) { a: updateCustomer(id: $id, input: {lifecycle: ACTIVE}) { id } }', { id: established }, w.tokens.gm);
    expect((await w.fails(SURVEY, { id: established, i: survey }, w.tokens.gm)).extensions?.code).toBe('CONFLICT');
  });

  it('lets finance record only the finance finding and keeps other consultants out', async () => {
    const id = await w.customer({ name: 'Investigated Co', ownerId: 'alice' });
    await w.ok(SURVEY, { id, i: survey }, w.tokens.alice);
    expect((await w.fails(FINDING, { id, i: { area: 'QUALITY', findings: 'x', conclusion: 'SATISFACTORY', investigator: 'x' } }, w.tokens.finance)).extensions?.code).toBe('FORBIDDEN');
    expect((await w.fails(SURVEY, { id, i: survey }, w.tokens.carol)).extensions?.code).toBe('NOT_FOUND');
    const filtered = await w.ok('query { customers(filter: {qualificationStage: ONSITE_INVESTIGATION}) { edges { node { id } } } }', {}, w.tokens.gm);
    expect(filtered.customers.edges.map((e: any) => e.node.id)).toContain(id);
  });
});
