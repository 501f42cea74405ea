import { randomBytes } from 'node:crypto';
import { fixedClock, type RunningService } from '@crm/kernel';
import { announceCustomer, approveAccess, graphql, handOverCustomer, newCustomerId, refusalsAt, refusalsOf, revokeAccess, testServiceEnv, tokenFor } from '@crm/testing';
import { surveysService } from '../src/surveys.service';

// Other test files publish accounts events (grants among them) for people named alike on the same stream;
// unique user ids keep this file's grants and handovers its own.
const RUN = randomBytes(3).toString('hex');
const user = (name: string) => `${name}-${RUN}`;

// docs/domain/accounts.md confidentiality through surveys' copy of the customers' scopes (kept from accounts' events).
const RECORD = `mutation($input: RecordSurveyResponseInput!) { recordSurveyResponse(input: $input) { surveyResponse { id } userErrors { field code message } } }`;
const ONE = `query($id: ID!) { surveyResponse(id: $id) { id } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id satisfactionScore surveyResponses { id } } ... on SurveyResponse { id } } }`;
const answers = ['PRICE', 'DESIGN_QUALITY', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'].map((item) => ({ item, level: 'SATISFIED' }));

jest.setTimeout(30_000);

describe('surveys: survey responses are read within the caller customer scope', () => {
  const clock = fixedClock('2025-06-02T08:00:00Z');
  let service: RunningService;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    service = await surveysService.start({ env: testServiceEnv('surveys'), clock });
    token.alice = await tokenFor({ sub: user('alice'), roles: ['consultant'], department_id: 'D-EAST' });
    token.bob = await tokenFor({ sub: user('bob'), roles: ['consultant'], department_id: 'D-EAST' });
    token.carol = await tokenFor({ sub: user('carol'), roles: ['consultant'], department_id: 'D-EAST' });
    token.east = await tokenFor({ sub: user('mgr-east'), roles: ['department_manager'], department_id: 'D-EAST' });
    token.west = await tokenFor({ sub: user('mgr-west'), roles: ['department_manager'], department_id: 'D-WEST' });
    token.agent = await tokenFor({ sub: 'agent-1', roles: ['service_agent'] });
  });
  afterAll(() => service.stop());
  beforeEach(() => clock.set('2025-06-02T08:00:00Z'));

  const input = (customerId: string) => ({ customerId, template: 'VISIT', respondedAt: '2025-06-01T08:00:00Z', answers });
  const recordFor = async (customerId: string): Promise<string> => {
    const res = await graphql(service.url, RECORD, { input: input(customerId) }, token.agent);
    expect(res.errors).toBeUndefined();
    expect(res.data!.recordSurveyResponse.userErrors).toEqual([]);
    return res.data!.recordSurveyResponse.surveyResponse.id;
  };

  /** What `as` sees of one response: root field, Customer.surveyResponses / satisfactionScore, SurveyResponse entity. */
  const sees = async (as: string, customerId: string, responseId: string): Promise<boolean> => {
    const root = await graphql(service.url, ONE, { id: responseId }, as);
    const entities = await graphql(service.url, ENTITIES, { r: [{ __typename: 'Customer', id: customerId }, { __typename: 'SurveyResponse', id: responseId }] }, as);
    // A refused read by id names why: FORBIDDEN for staff (with the approval that would open it), NOT_FOUND for partners.
    for (const error of root.errors ?? []) expect(['FORBIDDEN', 'NOT_FOUND']).toContain(error.extensions?.code);
    // The SurveyResponse entity, as another subgraph would reach it, is refused as the root field is, at its own path.
    expect(refusalsOf(entities)).toEqual(refusalsAt(root, ['_entities', 1]));
    const viaRoot = (root.data?.surveyResponse ?? null) !== null;
    const [customer, response] = entities.data!._entities;
    expect([customer.surveyResponses.some((r: { id: string }) => r.id === responseId), customer.satisfactionScore !== null, response !== null]).toEqual([viaRoot, viaRoot, viaRoot]);
    return viaRoot;
  };

  it('shows a consultant their own customer, not a colleague’s; the department manager the department’s', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const id = await recordFor(customerId);
    expect(await sees(token.alice, customerId, id)).toBe(true);
    expect(await sees(token.bob, customerId, id)).toBe(false);
    expect(await sees(token.east, customerId, id)).toBe(true);
    expect(await sees(token.west, customerId, id)).toBe(false);
  });

  it('shows assigned staff the customer they serve', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), assignedStaffIds: [user('alice'), user('carol')] });
    const id = await recordFor(customerId);
    expect(await sees(token.carol, customerId, id)).toBe(true);
  });

  it('opens a customer with an approved grant until it expires or is revoked', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice') });
    const id = await recordFor(customerId);
    const scope = { kind: 'DEPARTMENT' as const, departmentId: 'D-EAST' };
    const grant = await approveAccess(service, user('mgr-west'), scope, new Date('2025-06-03T08:00:00Z'));
    expect(await sees(token.west, customerId, id)).toBe(true);
    clock.set('2025-06-03T08:00:01Z');
    expect(await sees(token.west, customerId, id)).toBe(false);
    clock.set('2025-06-02T09:00:00Z');
    await revokeAccess(service, grant, user('mgr-west'), scope);
    expect(await sees(token.west, customerId, id)).toBe(false);
  });

  it('moves visibility with a handover', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice') });
    const id = await recordFor(customerId);
    await handOverCustomer(service, customerId, { owner: user('alice'), department: 'D-EAST' }, { owner: user('dave'), department: 'D-WEST' });
    expect(await sees(token.alice, customerId, id)).toBe(false);
    expect(await sees(token.east, customerId, id)).toBe(false);
    expect(await sees(token.west, customerId, id)).toBe(true);
  });

  it('lets a manager record only for customers they may read; service roles record for any', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const refused = await graphql(service.url, RECORD, { input: input(customerId) }, token.west);
    expect(refused.data!.recordSurveyResponse).toEqual({ surveyResponse: null, userErrors: [expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'customerId'] })] });
    const allowed = await graphql(service.url, RECORD, { input: input(customerId) }, token.east);
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.recordSurveyResponse.userErrors).toEqual([]);
    // Not announced yet: the service agent may read it, but nobody can say whose KPI the answers count for.
    const unknown = await graphql(service.url, RECORD, { input: input(newCustomerId()) }, token.agent);
    expect(unknown.data!.recordSurveyResponse).toEqual({
      surveyResponse: null,
      userErrors: [{ code: 'BAD_USER_INPUT', field: ['input', 'customerId'], message: 'no such customer known to surveys yet: accounts has not announced it, so nobody can say whose KPI the answers count for' }],
    });
  });
});
