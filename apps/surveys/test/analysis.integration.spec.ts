import { fixedClock, type RunningService } from '@crm/kernel';
import { announceCustomer, graphql, testServiceEnv, tokenFor } from '@crm/testing';
import type { mongo } from 'mongoose';
import { surveysService } from '../src/surveys.service';
import { maintenanceVisit, publishVisit, waitFor } from './surveys-fixture';

const ANALYSE = `query($i: SurveyAnalysisInput!) { surveyAnalysis(input: $i) { id by rows { key { item template templateVersion consultantId departmentId product region period } responses answers distribution { level count } meanScore shareDissatisfied requestsSent requestsAnswered responseRate } } }`;
const RECORD = `mutation($i: RecordSurveyResponseInput!) { recordSurveyResponse(input: $i) { surveyResponse { id } userErrors { field code message } } }`;
const KPIS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Consultant { id satisfaction(period: "2025-Q1") { id period responses answers meanScore shareDissatisfied } } ... on Department { id satisfaction(period: "2025") { period responses meanScore } } } }`;
const VISIT = ['PRICE', 'DESIGN_QUALITY', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'];

jest.setTimeout(120_000);

describe('surveys: analysis on every axis and the satisfaction KPIs', () => {
  const clock = fixedClock('2025-03-20T12:00:00Z');
  let service: RunningService;
  let gm: string;
  let agent: string;
  let alice: string;
  let partner: string;
  let east2Id: string;
  const commands: mongo.CommandStartedEvent[] = [];

  beforeAll(async () => {
    service = await surveysService.start({ env: testServiceEnv('surveys', { MONGO_MONITOR_COMMANDS: 'true', SURVEYS_FATIGUE_WINDOW_DAYS: '0' }), clock });
    service.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
    gm = await tokenFor({ sub: 'gm-1', roles: ['general_manager'] });
    agent = await tokenFor({ sub: 'agent-1', roles: ['service_agent'] });
    alice = await tokenFor({ sub: 'an-alice', roles: ['consultant'], department_id: 'AN-EAST' });
    partner = await tokenFor({ sub: 'portal', roles: ['partner'], partner_id: 'P-1' });

    // Two customers in AN-EAST (alice's), one in AN-WEST (bob's). Three maintenance visits dispatch three requests.
    const east1 = await announceCustomer(service, { owner: 'an-alice', department: 'AN-EAST' });
    const east2 = await announceCustomer(service, { owner: 'an-alice', department: 'AN-EAST' });
    east2Id = east2;
    const west = await announceCustomer(service, { owner: 'an-bob', department: 'AN-WEST' });
    for (const customerId of [east1, east2, west]) await publishVisit(service, maintenanceVisit(customerId, { staffId: customerId === west ? 'an-bob' : 'an-alice', product: 'Chiller X2' }));
    const requests = await waitFor(service, 'survey_requests', { 'attribution.departmentId': { $in: ['AN-EAST', 'AN-WEST'] } }, 3);
    const requestOf = (customerId: string) => String(requests.find((r) => r.customerId === customerId)!._id);
    const answer = async (input: Record<string, unknown>, levels: string[]) => {
      const res = await graphql(service.url, RECORD, { i: { ...input, answers: VISIT.map((item, i) => ({ item, level: levels[i] })) } }, agent);
      expect(res.data!.recordSurveyResponse.userErrors).toEqual([]);
    };
    // East answers one of its two requests in March, plus a walk-in response in February; west answers in March.
    await answer({ requestId: requestOf(east1), respondedAt: '2025-03-10T10:00:00Z' }, ['SATISFIED', 'SATISFIED', 'FAIRLY_SATISFIED', 'DISSATISFIED', 'SATISFIED']);
    await answer({ customerId: east2, template: 'VISIT', respondedAt: '2025-02-10T10:00:00Z' }, ['BASICALLY_SATISFIED', 'NOT_VERY_SATISFIED', 'BASICALLY_SATISFIED', 'BASICALLY_SATISFIED', 'BASICALLY_SATISFIED']);
    await answer({ requestId: requestOf(west), respondedAt: '2025-03-11T10:00:00Z' }, ['FAIRLY_SATISFIED', 'FAIRLY_SATISFIED', 'FAIRLY_SATISFIED', 'FAIRLY_SATISFIED', 'FAIRLY_SATISFIED']);
  });
  afterAll(() => service.stop());

  const analyse = async (input: Record<string, unknown>, token = gm) => {
    const res = await graphql(service.url, ANALYSE, { i: { ...input, from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.surveyAnalysis.rows.filter((r: { key: { departmentId: string | null } }) => r.key.departmentId === null || r.key.departmentId.startsWith('AN-'));
  };

  it('groups by department and month in one aggregation, with the distribution, mean, share dissatisfied and response rate', async () => {
    commands.length = 0;
    const rows = await analyse({ by: ['DEPARTMENT', 'PERIOD'], period: 'MONTH' });
    expect(commands.filter((c) => c.commandName === 'aggregate')).toHaveLength(1);
    expect(rows.map((r: { key: { departmentId: string; period: string } }) => [r.key.departmentId, r.key.period])).toEqual([
      ['AN-EAST', '2025-02'],
      ['AN-EAST', '2025-03'],
      ['AN-WEST', '2025-03'],
    ]);
    const [eastFeb, eastMar, westMar] = rows;
    expect(eastMar).toMatchObject({ responses: 1, answers: 5, meanScore: (5 + 5 + 4 + 1 + 5) / 5, shareDissatisfied: 0.2, requestsSent: 2, requestsAnswered: 1, responseRate: 0.5 });
    expect(eastMar.distribution).toEqual([
      { level: 'SATISFIED', count: 3 },
      { level: 'FAIRLY_SATISFIED', count: 1 },
      { level: 'BASICALLY_SATISFIED', count: 0 },
      { level: 'NOT_VERY_SATISFIED', count: 0 },
      { level: 'DISSATISFIED', count: 1 },
    ]);
    // No request was dispatched in February: no rate.
    expect(eastFeb).toMatchObject({ responses: 1, meanScore: (3 + 2 + 3 + 3 + 3) / 5, shareDissatisfied: 0.2, requestsSent: null, responseRate: null });
    expect(westMar).toMatchObject({ responses: 1, meanScore: 4, shareDissatisfied: 0, requestsSent: 1, responseRate: 1 });
  });

  it('groups by item, consultant, product, template version, region and quarter', async () => {
    const byItem = await analyse({ by: ['ITEM'], departmentId: 'AN-EAST' });
    expect(byItem.map((r: { key: { item: string } }) => r.key.item).sort()).toEqual([...VISIT].sort());
    expect(byItem.find((r: { key: { item: string } }) => r.key.item === 'AFTER_SALES_SERVICE')).toMatchObject({ responses: 2, answers: 2, meanScore: 2, shareDissatisfied: 0.5 });
    const byConsultant = await analyse({ by: ['CONSULTANT', 'PRODUCT', 'TEMPLATE_VERSION', 'REGION', 'PERIOD'], period: 'QUARTER', template: 'VISIT' });
    const alices = byConsultant.filter((r: { key: { consultantId: string } }) => r.key.consultantId === 'an-alice');
    expect(alices.map((r: { key: object; responses: number }) => [r.key, r.responses])).toEqual([
      [{ item: null, template: null, consultantId: 'an-alice', departmentId: null, product: 'Chiller X2', templateVersion: 1, region: null, period: '2025-Q1' }, 1],
      [{ item: null, template: null, consultantId: 'an-alice', departmentId: null, product: null, templateVersion: 1, region: null, period: '2025-Q1' }, 1],
    ]);
    // The walk-in response is about no product; the visit's answer is about the chiller.
    const chiller = await analyse({ by: ['PRODUCT', 'DEPARTMENT'] });
    expect(chiller.find((r: { key: { product: string; departmentId: string } }) => r.key.product === 'Chiller X2' && r.key.departmentId === 'AN-EAST')).toMatchObject({ responses: 1, requestsSent: 2, responseRate: 0.5 });
  });

  it('keeps to the caller’s customers, refuses partners, and lists bad input as user-fixable errors', async () => {
    const own = await analyse({ by: ['DEPARTMENT'] }, alice);
    expect(own.map((r: { key: { departmentId: string } }) => r.key.departmentId)).toEqual(['AN-EAST']);
    expect((await graphql(service.url, ANALYSE, { i: { by: [] } }, partner)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const bad = await graphql(service.url, ANALYSE, { i: { by: ['PERIOD', 'PERIOD'], from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } }, gm);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.problems.map((p: { field: string }) => p.field)).toEqual(['input.period', 'input.by', 'input.to']);
  });

  it('answers Consultant.satisfaction and Department.satisfaction for a batch with one aggregation', async () => {
    commands.length = 0;
    const res = await graphql(
      service.url,
      KPIS,
      { r: [{ __typename: 'Consultant', id: 'an-alice' }, { __typename: 'Consultant', id: 'an-bob' }, { __typename: 'Consultant', id: 'an-nobody' }, { __typename: 'Department', id: 'AN-EAST' }, { __typename: 'Department', id: 'AN-WEST' }] },
      gm,
    );
    expect(res.errors).toBeUndefined();
    const [aliceKpi, bobKpi, nobody, east, west] = res.data!._entities;
    expect(aliceKpi.satisfaction).toEqual({ id: 'an-alice:satisfaction:2025-Q1', period: '2025-Q1', responses: 2, answers: 10, meanScore: (20 + 14) / 10, shareDissatisfied: 0.2 });
    expect(bobKpi.satisfaction).toMatchObject({ responses: 1, meanScore: 4 });
    expect(nobody.satisfaction).toMatchObject({ responses: 0, meanScore: null, shareDissatisfied: null });
    expect(east.satisfaction).toEqual({ period: '2025', responses: 2, meanScore: 3.4 });
    expect(west.satisfaction).toEqual({ period: '2025', responses: 1, meanScore: 4 });
    // One aggregation for the consultants, one for the departments.
    expect(commands.filter((c) => c.commandName === 'aggregate')).toHaveLength(2);
    // A consultant reads only their own; partners nothing.
    const own = await graphql(service.url, KPIS, { r: [{ __typename: 'Consultant', id: 'an-alice' }, { __typename: 'Consultant', id: 'an-bob' }] }, alice);
    expect(own.data!._entities.map((e: { satisfaction: unknown }) => e.satisfaction === null)).toEqual([false, true]);
    const none = await graphql(service.url, KPIS, { r: [{ __typename: 'Department', id: 'AN-EAST' }] }, partner);
    expect(none.data!._entities[0].satisfaction).toBeNull();
  });

  it("shows a department manager their department's figure and, of a consultant elsewhere, only what counts for their department", async () => {
    const westManager = await tokenFor({ sub: 'an-mgr-west', roles: ['department_manager'], department_id: 'AN-WEST' });
    const res = await graphql(service.url, KPIS, { r: [{ __typename: 'Consultant', id: 'an-alice' }, { __typename: 'Consultant', id: 'an-bob' }, { __typename: 'Department', id: 'AN-WEST' }, { __typename: 'Department', id: 'AN-EAST' }] }, westManager);
    expect(res.errors).toBeUndefined();
    const [aliceKpi, bobKpi, west, east] = res.data!._entities;
    expect(aliceKpi.satisfaction).toMatchObject({ responses: 0, meanScore: null });
    expect(bobKpi.satisfaction).toMatchObject({ responses: 1, meanScore: 4 });
    expect(west.satisfaction).toMatchObject({ responses: 1 });
    expect(east.satisfaction).toBeNull();
  });

  it("counts a response by the calendar's time zone: 1 April 07:00 in China is still March in UTC, but Q2", async () => {
    clock.set('2025-04-02T00:00:00Z');
    const res = await graphql(service.url, RECORD, { i: { customerId: east2Id, template: 'VISIT', respondedAt: '2025-03-31T23:00:00Z', answers: VISIT.map((item) => ({ item, level: 'SATISFIED' })) } }, agent);
    expect(res.data!.recordSurveyResponse.userErrors).toEqual([]);
    const q2 = await graphql(service.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Consultant { satisfaction(period: "2025-Q2") { responses } march: satisfaction(period: "2025-03") { responses } } } }`, { r: [{ __typename: 'Consultant', id: 'an-alice' }] }, gm);
    expect(q2.data!._entities[0]).toEqual({ satisfaction: { responses: 1 }, march: { responses: 1 } });
  });
});
