// `viewer` through the gateway: who the caller is (accounts) and what each service lets them do, from the same
// rules the mutations apply, so a client can offer only the actions that will be accepted.
import { graphql, tokenFor } from '@crm/testing';
import { call } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

const VIEWER = `{ viewer {
  id name roles departmentId department { id name } partnerId isPartner
  canCreateCustomers canRequestCustomerAccess canDecideAccessRequests canMaintainOrganisation canReadPersonalDataAudit
  canOpenTickets canRunSlaWatch canManageServiceCalendar canPublishSlaPolicies canRequestSupervisionReports
  canLogInteractions canRecordSurveyResponses canSetCreditTerms
} }`;

describe('viewer', () => {
  let platform: RunningPlatform;
  let url: string;

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    const gm = await tokenFor({ sub: 'gm-viewer', roles: ['general_manager'] });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-VIEW", name: "Viewer sales"}) { department { id } userErrors { field code message } } }', {}, gm);
  });
  afterAll(() => platform?.stop());

  it('tells a consultant who they are and what they may do, in every service', async () => {
    const consultant = await tokenFor({ sub: 'c-viewer', name: 'Wang Viewer', roles: ['consultant'], department_id: 'D-VIEW' });
    const { viewer } = await call(url, VIEWER, {}, consultant);
    expect(viewer).toEqual({
      id: 'c-viewer',
      name: 'Wang Viewer',
      roles: ['consultant'],
      departmentId: 'D-VIEW',
      department: { id: 'D-VIEW', name: 'Viewer sales' },
      partnerId: null,
      isPartner: false,
      canCreateCustomers: true,
      canRequestCustomerAccess: true,
      canDecideAccessRequests: false,
      canMaintainOrganisation: false,
      canReadPersonalDataAudit: false,
      canOpenTickets: true,
      canRunSlaWatch: false,
      canManageServiceCalendar: false,
      canPublishSlaPolicies: false,
      canRequestSupervisionReports: false,
      canLogInteractions: true,
      canRecordSurveyResponses: false,
      canSetCreditTerms: false,
    });
  });

  it('gives the general manager, finance and a partner portal their own abilities', async () => {
    const gm = (await call(url, VIEWER, {}, await tokenFor({ sub: 'gm-viewer', roles: ['general_manager'] }))).viewer;
    expect(gm).toMatchObject({ isPartner: false, canMaintainOrganisation: true, canDecideAccessRequests: true, canPublishSlaPolicies: true, canRunSlaWatch: true, canSetCreditTerms: true });
    const finance = (await call(url, VIEWER, {}, await tokenFor({ sub: 'fin-viewer', roles: ['finance'] }))).viewer;
    expect(finance).toMatchObject({ canSetCreditTerms: true, canCreateCustomers: false, canMaintainOrganisation: false, department: null });
    const partner = (await call(url, VIEWER, {}, await tokenFor({ sub: 'portal-viewer', roles: ['partner'], partner_id: 'P-VIEW' }))).viewer;
    expect(partner).toMatchObject({ partnerId: 'P-VIEW', isPartner: true, canCreateCustomers: false, canRequestCustomerAccess: false, canOpenTickets: false, canLogInteractions: false, canSetCreditTerms: false });
  });

  it('asks for a token', async () => {
    const res = await graphql(url, VIEWER, {});
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
