import { customerArchivedV1 } from '@crm/contracts';
import { startAccountsWorld, USER_ERRORS, type AccountsWorld } from './accounts-fixture';

const Q = `lifecycle qualification { id status nextStage survey { companyHistory recordedBy { id } } investigation { area conclusion investigator recordedBy { id } } application { version products { product quantity unit } submittedBy { id } }
  decisions { approved comment decidedBy { id } department { id } applicationVersion } contracts { supplyContractNo qualityAssuranceContractNo signedOn recordedBy { id } } registration { credentialsRef registeredBy { id } }
  archivedAt archivedBy { id kind staffMember { id } } steps { stage action actor { id kind } comment } }`;
/** A step mutation `name`, its input of type `type`, answering the customer with its qualification. */
const stepMutation = (name: string, type: string) => `mutation($i: ${type}!) { ${name}(input: $i) { customer { ${Q} } ${USER_ERRORS} } }`;
const SURVEY = stepMutation('recordGeneralSurvey', 'RecordGeneralSurveyInput');
const FINDING = stepMutation('recordInvestigationFinding', 'RecordInvestigationFindingInput');
const APPLY = stepMutation('submitQualificationApplication', 'SubmitQualificationApplicationInput');
const DECIDE = stepMutation('decideQualification', 'DecideQualificationInput');
const CONTRACTS = stepMutation('recordQualificationContracts', 'RecordQualificationContractsInput');
const REGISTER = stepMutation('registerCustomerPortal', 'RegisterCustomerPortalInput');
const ARCHIVE = stepMutation('archiveQualifiedCustomer', 'ArchiveQualifiedCustomerInput');
/** A step's variables: the customer and the step's data, in one input. */
const vars = (customerId: string, data: Record<string, unknown> = {}) => ({ i: { customerId, ...data } });

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

    const surveyed = (await w.ok(SURVEY, vars(id, survey), w.tokens.alice)).recordGeneralSurvey.customer;
    expect(surveyed).toMatchObject({ lifecycle: 'QUALIFYING', qualification: { id: `${id}:qualification`, status: 'IN_PROGRESS', nextStage: 'ONSITE_INVESTIGATION', survey: { recordedBy: { id: 'alice' } } } });

    const early = await w.refused(APPLY, vars(id, application), w.tokens.alice);
    expect(early).toEqual([{ code: 'CONFLICT', field: null, message: 'Qualification steps run in order: APPLICATION is not possible now (ONSITE_INVESTIGATION comes next)' }]);

    await w.ok(FINDING, vars(id, { area: 'FINANCE', findings: 'Healthy cash flow', conclusion: 'SATISFACTORY', investigator: 'Gao' }), w.tokens.finance);
    await w.ok(FINDING, vars(id, { area: 'DESIGN', findings: 'CAD capable', conclusion: 'CONCERNS', investigator: 'Hu' }), w.tokens.technical);
    const investigated = (await w.ok(FINDING, vars(id, { area: 'QUALITY', findings: 'ISO 9001 certified', conclusion: 'SATISFACTORY', investigator: 'Qian' }), w.tokens.technical)).recordInvestigationFinding.customer;
    expect(investigated.qualification.nextStage).toBe('APPLICATION');
    expect(investigated.qualification.investigation.map((f: any) => [f.area, f.recordedBy.id])).toEqual([
      ['FINANCE', 'fin-1'],
      ['DESIGN', 'tech-1'],
      ['QUALITY', 'tech-1'],
    ]);

    await w.ok(APPLY, vars(id, application), w.tokens.alice);
    expect((await w.fails(DECIDE, vars(id, { approved: true }), w.tokens.alice)).extensions?.code).toBe('FORBIDDEN');
    expect(await w.refused(DECIDE, vars(id, { approved: false }), w.tokens.eastManager)).toEqual([{ code: 'BAD_USER_INPUT', field: ['input', 'comment'], message: 'a rejection needs a reason' }]);
    const rejected = (await w.ok(DECIDE, vars(id, { approved: false, comment: 'Quantities too vague' }), w.tokens.eastManager)).decideQualification.customer;
    expect(rejected.qualification).toMatchObject({ status: 'REJECTED', nextStage: 'APPLICATION' });
    expect(await w.refused(CONTRACTS, vars(id, contracts), w.tokens.alice)).toMatchObject([{ code: 'CONFLICT', field: null }]);
    // Every problem of an application at once.
    const sloppy = await w.refused(APPLY, vars(id, { ...application, reasons: ' ', products: [{ product: '', quantity: 0 }] }), w.tokens.alice);
    expect(sloppy.map((p) => p.field)).toEqual([
      ['input', 'reasons'],
      ['input', 'products', '0', 'product'],
      ['input', 'products', '0', 'quantity'],
    ]);

    const resubmitted = (await w.ok(APPLY, vars(id, { ...application, products: [{ product: 'P-100 pump', quantity: 240, unit: 'pcs' }] }), w.tokens.alice)).submitQualificationApplication.customer;
    expect(resubmitted.qualification).toMatchObject({ status: 'IN_PROGRESS', nextStage: 'APPROVAL', application: { version: 2, products: [{ quantity: 240 }], submittedBy: { id: 'alice' } } });
    const approved = (await w.ok(DECIDE, vars(id, { approved: true, comment: 'Go ahead' }), w.tokens.eastManager)).decideQualification.customer;
    expect(approved.qualification.decisions).toEqual([
      { approved: false, comment: 'Quantities too vague', decidedBy: { id: 'mgr-east' }, department: { id: 'D-EAST' }, applicationVersion: 1 },
      { approved: true, comment: 'Go ahead', decidedBy: { id: 'mgr-east' }, department: { id: 'D-EAST' }, applicationVersion: 2 },
    ]);

    // Signed together: a supply contract alone is not even a valid request.
    // (The schema itself requires both numbers: a variable without one is refused before anything runs.)
    const alone = await w.fails(CONTRACTS, vars(id, { supplyContractNo: 'SC-1', signedOn: '2025-03-03' }), w.tokens.alice);
    expect(alone.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await w.refused(CONTRACTS, vars(id, { ...contracts, qualityAssuranceContractNo: ' ' }), w.tokens.alice)).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'qualityAssuranceContractNo'] }]);
    const signed = (await w.ok(CONTRACTS, vars(id, contracts), w.tokens.alice)).recordQualificationContracts.customer;
    expect(signed.qualification.contracts).toEqual({ ...contracts, recordedBy: { id: 'alice' } });
    const secretLike = await w.refused(REGISTER, vars(id, { credentialsRef: 'hunter2' }), w.tokens.alice);
    expect(secretLike).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'credentialsRef'] }]);
    const registered = (await w.ok(REGISTER, vars(id, { credentialsRef: 'idp:portal/qualifying-machinery' }), w.tokens.alice)).registerCustomerPortal.customer;
    expect(registered.qualification.registration).toEqual({ credentialsRef: 'idp:portal/qualifying-machinery', registeredBy: { id: 'alice' } });

    const archived = (await w.ok(ARCHIVE, vars(id), w.tokens.marketing)).archiveQualifiedCustomer.customer;
    expect(archived).toMatchObject({
      lifecycle: 'ACTIVE',
      qualification: { status: 'ARCHIVED', nextStage: null, archivedBy: { id: 'mkt-1', kind: 'STAFF_MEMBER', staffMember: null }, archivedAt: w.clock.now().toISOString() },
    });
    expect(archived.qualification.steps.map((s: any) => s.actor.id)).toEqual(['alice', 'fin-1', 'tech-1', 'tech-1', 'tech-1', 'alice', 'mgr-east', 'alice', 'mgr-east', 'alice', 'alice', 'mkt-1']);
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
    expect(await w.refused(ARCHIVE, vars(id), w.tokens.marketing)).toMatchObject([{ code: 'CONFLICT', field: null }]);
    expect(await w.events(customerArchivedV1, id)).toHaveLength(1);

    const list = await w.ok('query { customers(filter: {qualificationStatus: ARCHIVED}) { edges { node { id } } } }', {}, w.tokens.gm);
    expect(list.customers.edges.map((e: any) => e.node.id)).toContain(id);
  });

  it('is only for organisation customers that are still new', async () => {
    const person = await w.customer({ name: 'Mr Individual', kind: 'INDIVIDUAL', listType: 'INDIVIDUAL' });
    expect(await w.refused(SURVEY, vars(person, survey), w.tokens.gm)).toEqual([{ code: 'BAD_USER_INPUT', field: ['input', 'customerId'], message: 'the qualification procedure is for organisation customers' }]);
    const established = await w.customer({ name: 'Already Active' });
    await w.ok(`mutation($id: ID!) { a: updateCustomer(input: {id: $id, changes: {lifecycle: QUALIFYING}}) { customer { id } ${USER_ERRORS} } }`, { id: established }, w.tokens.gm);
    await w.ok(`mutation($id: ID!) { a: updateCustomer(input: {id: $id, changes: {lifecycle: ACTIVE}}) { customer { id } ${USER_ERRORS} } }`, { id: established }, w.tokens.gm);
    expect(await w.refused(SURVEY, vars(established, survey), w.tokens.gm)).toEqual([{ code: 'CONFLICT', field: null, message: 'Qualification is for new customers; this one is ACTIVE' }]);
    expect(await w.refused(ARCHIVE, vars('0123456789abcdef01234567'), w.tokens.gm)).toMatchObject([{ code: 'NOT_FOUND', field: null }]);
  });

  it('lets finance record only the finance finding and keeps other consultants out', async () => {
    const id = await w.customer({ name: 'Investigated Co', ownerId: 'alice' });
    await w.ok(SURVEY, vars(id, survey), w.tokens.alice);
    expect((await w.fails(FINDING, vars(id, { area: 'QUALITY', findings: 'x', conclusion: 'SATISFACTORY', investigator: 'x' }), w.tokens.finance)).extensions?.code).toBe('FORBIDDEN');
    expect(await w.refused(SURVEY, vars(id, survey), w.tokens.carol)).toEqual([{ code: 'NOT_FOUND', field: null, message: `Customer ${id} not found` }]);
    const filtered = await w.ok('query { customers(filter: {qualificationStage: ONSITE_INVESTIGATION}) { edges { node { id } } } }', {}, w.tokens.gm);
    expect(filtered.customers.edges.map((e: any) => e.node.id)).toContain(id);
  });
});
