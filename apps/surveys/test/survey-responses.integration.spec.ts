import { streamFor, surveyResponseRecordedV1 } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { announceCustomer, graphql, testServiceEnv, tokenFor, eventsOnStream, eventsAboutCustomer } from '@crm/testing';
import { randomBytes } from 'node:crypto';
import { surveysService } from '../src/surveys.service';

const RECORD = `mutation($input: RecordSurveyResponseInput!) {
  recordSurveyResponse(input: $input) {
    surveyResponse {
      id customer { id } template templateVersion consultantId respondedAt score needsFollowUp recordedBy { id kind }
      answers { item level comment question } attribution { consultantId departmentId region products } requestId questionnaire { version state }
    }
    userErrors { field code message }
  }
}`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id satisfactionScore surveyResponses { id template score } } } }`;

const newCustomerId = () => randomBytes(12).toString('hex');
// Unique per run, so an event published for it can only come from this run's malformed input.
const malformedCustomerId = `nope-${randomBytes(4).toString('hex')}`;
const stream = streamFor('surveys').name;

interface PublishedEvent {
  subject: string;
  data: Record<string, unknown>;
}
interface CustomerSurveys {
  _entities: { id: string; satisfactionScore: number | null; surveyResponses: { id: string; template: string; score: number }[] }[];
}

async function publishedEvents(service: RunningService, subject: string): Promise<PublishedEvent[]> {
  await service.flushOutbox();
  return eventsOnStream(service.bus.jsm, stream, surveyResponseRecordedV1.type, subject);
}

/** Events on the stream about one customer (the stream's total moves with other test files). */
async function eventsAbout(service: RunningService, customerId: string) {
  await service.flushOutbox();
  return eventsAboutCustomer(service.bus.jsm, stream, customerId);
}

const visitAnswers = (levels: string[] = ['SATISFIED', 'FAIRLY_SATISFIED', 'BASICALLY_SATISFIED', 'SATISFIED', 'SATISFIED']) =>
  ['PRICE', 'DESIGN_QUALITY', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'].map((item, i) => ({ item, level: levels[i] }));

describe('surveys: survey responses', () => {
  let service: RunningService;
  let agent: string;
  let alice: string;
  let finance: string;
  let partner: string;
  const responses = () => service.connection.collection('survey_responses');

  beforeAll(async () => {
    service = await surveysService.start({ env: testServiceEnv('surveys') });
    agent = await tokenFor({ sub: 'agent-1', roles: ['service_agent'] });
    alice = await tokenFor({ sub: 'alice', roles: ['consultant'], department_id: 'D-EAST' });
    finance = await tokenFor({ sub: 'fin-1', roles: ['finance'] });
    partner = await tokenFor({ sub: 'portal-user', roles: ['partner'], partner_id: 'P-9' });
  });
  afterAll(() => service.stop());

  const record = (token: string, input: Record<string, unknown>) => graphql(service.url, RECORD, { input }, token);
  const validInput = (customerId: string, overrides: Record<string, unknown> = {}) => ({
    customerId,
    template: 'VISIT',
    respondedAt: '2025-03-01T10:00:00Z',
    answers: visitAnswers(),
    ...overrides,
  });

  it('records an after-sale response with its score and follow-up flag, and publishes response.recorded once', async () => {
    // Alice's customer, as accounts announced it: the response counts for her and her department.
    const customerId = await announceCustomer(service, { owner: 'alice', department: 'D-EAST' });
    const answers = [
      { item: 'OTHER_NEEDS', level: 'SATISFIED' },
      { item: 'PRICE', level: 'DISSATISFIED', comment: 'Too expensive compared with last year' },
      { item: 'PERFORMANCE', level: 'SATISFIED' },
      { item: 'DESIGN', level: 'FAIRLY_SATISFIED' },
      { item: 'APPEARANCE_PACKAGING', level: 'BASICALLY_SATISFIED' },
      { item: 'COMPETITOR_COMPARISON', level: 'NOT_VERY_SATISFIED' },
      { item: 'AFTER_SALES_SERVICE', level: 'SATISFIED' },
    ];
    const res = await record(agent, validInput(customerId, { template: 'AFTER_SALE', answers }));
    expect(res.errors).toBeUndefined();
    expect(res.data!.recordSurveyResponse.userErrors).toEqual([]);
    const response = res.data!.recordSurveyResponse.surveyResponse;
    expect(response).toMatchObject({
      customer: { id: customerId },
      template: 'AFTER_SALE',
      templateVersion: 1,
      consultantId: 'alice',
      attribution: { consultantId: 'alice', departmentId: 'D-EAST', region: null, products: [] },
      requestId: null,
      questionnaire: { version: 1, state: 'PUBLISHED' },
      respondedAt: '2025-03-01T10:00:00.000Z',
      needsFollowUp: true,
      recordedBy: { id: 'agent-1', kind: 'STAFF_MEMBER' },
    });
    expect(response.score).toBeCloseTo((5 + 1 + 5 + 4 + 3 + 2 + 5) / 7);
    // Stored in the questionnaire's order, whatever order they were sent in.
    expect(response.answers.map((a: { item: string }) => a.item)).toEqual(['PRICE', 'PERFORMANCE', 'DESIGN', 'APPEARANCE_PACKAGING', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS']);
    expect(response.answers[0]).toEqual({ item: 'PRICE', level: 'DISSATISFIED', comment: 'Too expensive compared with last year', question: 'How satisfied are you with the price?' });

    const events = await publishedEvents(service, response.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      specversion: '1.0',
      type: 'crm.surveys.response.recorded',
      source: '/crm/surveys',
      subject: response.id,
      datacontenttype: 'application/json',
      dataschema: 'urn:crm:event:crm.surveys.response.recorded:v1',
      actorid: 'agent-1',
      actorroles: 'service_agent',
      data: {
        responseId: response.id,
        customerId,
        template: 'AFTER_SALE',
        templateVersion: 1,
        consultantId: 'alice',
        departmentId: 'D-EAST',
        requestId: null,
        dissatisfiedItems: ['PRICE', 'COMPETITOR_COMPARISON'],
        respondedAt: '2025-03-01T10:00:00.000Z',
        followUp: { sourceTicketId: null, assigneeId: null, dueAt: expect.any(String) },
      },
    });
    // What the service desk needs for the follow-up ticket: every item with its question and the customer's comment.
    expect((events[0].data.answers as unknown[])[0]).toEqual({ item: 'PRICE', question: 'How satisfied are you with the price?', level: 'DISSATISFIED', comment: 'Too expensive compared with last year' });
    expect(await responses().countDocuments({ 'pendingEvents.0': { $exists: true } })).toBe(0);
  });

  it.each([
    ['input.answers', 'an item is missing', { answers: visitAnswers().slice(0, 4) }],
    ['input.answers.5.item', 'an item is answered twice', { answers: [...visitAnswers(), { item: 'PRICE', level: 'SATISFIED' }] }],
    ['input.answers.0.item', 'an item of another template is answered', { answers: [{ item: 'STAFF_ATTITUDE', level: 'SATISFIED' }, ...visitAnswers().slice(1)] }],
    ['input.customerId', 'the customer id is malformed', { customerId: malformedCustomerId }],
    ['input.respondedAt', 'the answers are dated in the future', { respondedAt: new Date(Date.now() + 86_400_000).toISOString() }],
    ['input.customerId', 'accounts has not announced the customer (nobody knows whose KPI it is)', { customerId: newCustomerId() }],
    ['input.template', 'neither a request nor a template is named', { template: null }],
  ])('rejects with a BAD_USER_INPUT user error on %s when %s, writing no document and no event', async (field, _why, overrides) => {
    const documentsBefore = await responses().countDocuments();
    const input = validInput(await announceCustomer(service), overrides);
    const res = await record(agent, input);
    expect(res.errors).toBeUndefined();
    expect(res.data!.recordSurveyResponse.surveyResponse).toBeNull();
    expect(res.data!.recordSurveyResponse.userErrors).toContainEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field: field.split('.') }));
    expect(await responses().countDocuments()).toBe(documentsBefore);
    // About the customer id that was sent (the malformed one, in the input.customerId row).
    expect(await eventsAbout(service, input.customerId)).toEqual([]);
  });

  it('lists every problem of an input at once, one user error each', async () => {
    const documentsBefore = await responses().countDocuments();
    const answers = [{ ...visitAnswers()[0], comment: 'x'.repeat(2001) }, ...visitAnswers().slice(1)];
    const input = validInput(malformedCustomerId, { answers });
    const res = await record(agent, input);
    expect(res.data!.recordSurveyResponse.surveyResponse).toBeNull();
    expect(res.data!.recordSurveyResponse.userErrors).toEqual([
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'customerId'] }),
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'answers', '0', 'comment'] }),
    ]);
    expect(await responses().countDocuments()).toBe(documentsBefore);
    expect(await eventsAbout(service, input.customerId)).toEqual([]);
  });

  it.each([
    ['a consultant (satisfaction is their own KPI)', () => alice],
    ['finance', () => finance],
    ['a partner', () => partner],
  ])('refuses %s with FORBIDDEN and writes nothing', async (_who, token) => {
    const customerId = newCustomerId();
    const res = await record(token(), validInput(customerId));
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await responses().countDocuments({ customerId })).toBe(0);
  });

  it('answers UNAUTHENTICATED without a token', async () => {
    const res = await record('', validInput(newCustomerId()));
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const entities = await graphql(service.url, ENTITIES, { r: [{ __typename: 'Customer', id: newCustomerId() }] });
    expect(entities.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('resolves Customer.surveyResponses and satisfactionScore through _entities for several customers', async () => {
    // Alice's own customers, as accounts announced them.
    const [a, b, c] = [await announceCustomer(service), await announceCustomer(service), await announceCustomer(service)];
    const allSatisfied = visitAnswers(Array(5).fill('SATISFIED'));
    const mixed = visitAnswers(['SATISFIED', 'DISSATISFIED', 'BASICALLY_SATISFIED', 'FAIRLY_SATISFIED', 'SATISFIED']);
    for (const [customerId, respondedAt, answers] of [
      [a, '2025-03-01T10:00:00Z', allSatisfied],
      [a, '2025-03-05T10:00:00Z', mixed],
      [b, '2025-02-01T10:00:00Z', mixed],
    ] as const) {
      const res = await record(agent, validInput(customerId, { respondedAt, answers }));
      expect(res.errors).toBeUndefined();
    }

    const res = await graphql<CustomerSurveys>(service.url, ENTITIES, { r: [a, b, c].map((id) => ({ __typename: 'Customer', id })) }, alice);
    expect(res.errors).toBeUndefined();
    const [ea, eb, ec] = res.data!._entities;
    expect(ea.surveyResponses.map((r) => r.score)).toEqual([3.6, 5]);
    expect(ea.satisfactionScore).toBeCloseTo(4.3);
    expect(eb).toMatchObject({ id: b, satisfactionScore: 3.6 });
    expect(eb.surveyResponses).toHaveLength(1);
    expect(ec).toEqual({ id: c, satisfactionScore: null, surveyResponses: [] });
  });

  it('shows a partner no responses and no score', async () => {
    const customerId = await announceCustomer(service);
    const recorded = await record(agent, validInput(customerId));
    const entities = await graphql(service.url, ENTITIES, { r: [{ __typename: 'Customer', id: customerId }] }, partner);
    expect(entities.errors).toBeUndefined();
    expect(entities.data!._entities).toEqual([{ id: customerId, satisfactionScore: null, surveyResponses: [] }]);
    const direct = await graphql(service.url, 'query($id: ID!) { surveyResponse(id: $id) { id } }', { id: recorded.data!.recordSurveyResponse.surveyResponse.id }, partner);
    expect(direct.data!.surveyResponse).toBeNull();
  });
});
