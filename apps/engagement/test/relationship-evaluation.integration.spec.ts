import { customerCreatedV1 } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { eventually, graphql, newCustomerId } from '@crm/testing';
import type { mongo } from 'mongoose';
import { eventsAbout, ok, okPayload, publishForeign, staffTokens, startEngagement, user } from './engagement-fixture';

const TEMPLATE = `query($v: Int) { relationshipEvaluationTemplate(version: $v) { id version status indicators { key name weight } thresholds { endBelow improveBelow } createdBy { id kind } } }`;
const TEMPLATES = `query { relationshipEvaluationTemplates { version status } }`;
const DRAFT = `mutation($input: DraftRelationshipEvaluationTemplateInput!) { draftRelationshipEvaluationTemplate(input: $input) { template { version status indicators { key weight } } userErrors { field code message } } }`;
const PUBLISH = `mutation($input: PublishRelationshipEvaluationTemplateInput!) { publishRelationshipEvaluationTemplate(input: $input) { template { version status } userErrors { field code message } } }`;
const EVALUATE = `mutation($input: EvaluateRelationshipInput!) { evaluateRelationship(input: $input) { evaluation { id templateVersion total recommendation scores { indicator weight score } evaluatedBy { id } } userErrors { field code message } } }`;
const CARD = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id latestRelationshipEvaluation { id total recommendation templateVersion } relationshipCard { id assignedStaff { id } latestEvaluation { id } recentInteractions { id summary } recentVisits { id purpose } } } } }`;

jest.setTimeout(120_000);

/** Scores for every indicator of the default template: each the same score. */
const DEFAULT_KEYS = ['sales-volume', 'payment', 'cooperation', 'growth', 'loyalty', 'service-cost'];
const flat = (score: number) => DEFAULT_KEYS.map((indicator) => ({ indicator, score }));

describe('engagement: relationship evaluation', () => {
  let service: RunningService;
  let t: Awaited<ReturnType<typeof staffTokens>>;
  const commands: mongo.CommandStartedEvent[] = [];

  beforeAll(async () => {
    ({ service } = await startEngagement('2025-06-02T01:00:00Z', { MONGO_MONITOR_COMMANDS: 'true', CARE_TASKS_INTERVAL_MS: '3600000' }));
    service.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
    t = await staffTokens();
  });
  afterAll(() => service.stop());

  /** accounts' customer.created with the importance and staff; waits until care and the scope know it. */
  const announce = async (importance: 'KEY' | 'GENERAL' = 'GENERAL', assignedStaffIds = [user('alice')]): Promise<string> => {
    const id = newCustomerId();
    const customer = { id, name: `Customer ${id.slice(-4)}`, kind: 'ORGANISATION', lifecycle: 'ACTIVE', ownerConsultantId: user('alice'), departmentId: 'D-EAST', region: null, importance, category: importance === 'KEY' ? 'KEY' : 'GENERAL', assignedStaffIds, birthday: null, filed: true };
    await publishForeign(service, customerCreatedV1, id, { customer });
    await eventually(async () => {
      if (!(await service.connection.collection('care_customers').findOne({ _id: id as never }))) throw new Error('care has not heard of it');
      if (!(await service.connection.collection('customer_scopes').findOne({ _id: id as never }))) throw new Error('no scope yet');
    });
    return id;
  };
  const evaluate = (customerId: string, scores: { indicator: string; score: number }[], token = t.alice) => graphql(service.url, EVALUATE, { input: { customerId, scores } }, token);

  it('seeds the default template as version 1, published, weights summing to 100, once per database', async () => {
    const { relationshipEvaluationTemplate: template } = await ok(service, TEMPLATE, {}, t.alice);
    expect(template).toMatchObject({ id: 'relationship-template:1', version: 1, status: 'PUBLISHED', thresholds: { endBelow: 40, improveBelow: 70 }, createdBy: { id: 'system:relationship-evaluation', kind: 'SYSTEM' } });
    expect(template.indicators.map((i: { key: string }) => i.key)).toEqual(DEFAULT_KEYS);
    expect(template.indicators.reduce((sum: number, i: { weight: number }) => sum + i.weight, 0)).toBe(100);
    // A second replica on the same database seeds nothing more.
    const db = service.connection.db!.databaseName;
    const { service: replica } = await startEngagement('2025-06-02T01:00:00Z', { MONGO_DB: db, NATS_DURABLE_SUFFIX: `-${db}`, CARE_TASKS_INTERVAL_MS: '3600000' });
    await replica.stop();
    expect(await service.connection.collection('relationship_templates').countDocuments()).toBe(1);
    expect((await ok(service, TEMPLATE, {}, t.partner)).relationshipEvaluationTemplate).toBeNull();
  });

  it('weighs the scores, recommends by the thresholds at their edges, and stores the template version', async () => {
    const customerId = await announce();
    // 40 is not below endBelow (40): IMPROVE; 39 is END; 70 MAINTAIN.
    const at40 = (await evaluate(customerId, flat(40))).data!.evaluateRelationship.evaluation;
    expect(at40).toMatchObject({ templateVersion: 1, total: 40, recommendation: 'IMPROVE', evaluatedBy: { id: user('alice') } });
    expect((await evaluate(customerId, flat(39))).data!.evaluateRelationship.evaluation).toMatchObject({ total: 39, recommendation: 'END' });
    expect((await evaluate(customerId, flat(70))).data!.evaluateRelationship.evaluation).toMatchObject({ total: 70, recommendation: 'MAINTAIN' });
    // Weighted: sales 25 × 80 + payment 20 × 90 + 15 × (60 + 50 + 70) + service cost 10 × 33 = 6830 hundredths.
    const mixed = await evaluate(customerId, [
      { indicator: 'sales-volume', score: 80 },
      { indicator: 'payment', score: 90 },
      { indicator: 'cooperation', score: 60 },
      { indicator: 'growth', score: 50 },
      { indicator: 'loyalty', score: 70 },
      { indicator: 'service-cost', score: 33 },
    ]);
    const evaluation = mixed.data!.evaluateRelationship.evaluation;
    expect(evaluation).toMatchObject({ total: 68.3, recommendation: 'IMPROVE' });
    expect(evaluation.scores).toContainEqual({ indicator: 'service-cost', weight: 10, score: 33 });
    const recorded = (await eventsAbout(service, customerId)).filter((e) => e.type === 'crm.engagement.relationship-evaluation.recorded');
    expect(recorded).toHaveLength(4);
    expect(recorded[3].data).toMatchObject({ evaluationId: evaluation.id, customerId, templateVersion: 1, total: 68.3, recommendation: 'IMPROVE', evaluatedBy: user('alice') });
    const latest = (await ok(service, CARD, { r: [{ __typename: 'Customer', id: customerId }] }, t.alice))._entities[0].latestRelationshipEvaluation;
    expect(latest).toEqual({ id: evaluation.id, total: 68.3, recommendation: 'IMPROVE', templateVersion: 1 });
  });

  it('lists every problem of the scores at once and refuses partners and customers out of reach, writing nothing', async () => {
    const customerId = await announce();
    const bad = await evaluate(customerId, [{ indicator: 'sales-volume', score: 101 }, { indicator: 'nope', score: 5 }]);
    expect(bad.data!.evaluateRelationship.evaluation).toBeNull();
    expect(bad.data!.evaluateRelationship.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual(['input.scores.0.score', 'input.scores.1.indicator', 'input.scores']);
    expect((await evaluate(customerId, flat(50), t.carl)).data!.evaluateRelationship.userErrors).toEqual([expect.objectContaining({ field: ['input', 'customerId'] })]);
    expect((await evaluate(customerId, flat(50), t.partner)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await service.connection.collection('relationship_evaluations').countDocuments({ customerId })).toBe(0);
  });

  it('versions the template: a draft must weigh 100, only the general manager drafts and publishes, the new version replaces the old', async () => {
    const indicators = [
      { key: 'volume', name: 'Volume', weight: 60 },
      { key: 'payment', name: 'Payment', weight: 39 },
    ];
    const thresholds = { endBelow: 30, improveBelow: 60 };
    const wrong = await graphql(service.url, DRAFT, { input: { indicators, thresholds } }, t.gm);
    expect(wrong.data!.draftRelationshipEvaluationTemplate.userErrors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'indicators'], message: 'the weights must sum to 100, not 99' })]);
    expect((await graphql(service.url, DRAFT, { input: { indicators, thresholds } }, t.east)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const fixed = [indicators[0], { ...indicators[1], weight: 40 }];
    const draft = (await okPayload(service, DRAFT, { input: { indicators: fixed, thresholds } }, t.gm)).template;
    expect(draft).toMatchObject({ version: 2, status: 'DRAFT' });
    // Until it is published evaluations use version 1.
    const customerId = await announce();
    expect((await evaluate(customerId, flat(50))).data!.evaluateRelationship.evaluation.templateVersion).toBe(1);
    expect((await graphql(service.url, PUBLISH, { input: { version: 2 } }, t.alice)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await okPayload(service, PUBLISH, { input: { version: 2 } }, t.gm)).template).toEqual({ version: 2, status: 'PUBLISHED' });
    expect((await graphql(service.url, PUBLISH, { input: { version: 2 } }, t.gm)).data!.publishRelationshipEvaluationTemplate.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
    expect((await graphql(service.url, PUBLISH, { input: { version: 9 } }, t.gm)).data!.publishRelationshipEvaluationTemplate.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    expect((await ok(service, TEMPLATES, {}, t.alice)).relationshipEvaluationTemplates).toEqual([
      { version: 2, status: 'PUBLISHED' },
      { version: 1, status: 'RETIRED' },
    ]);
    // Now the scores name version 2's indicators: 60 × 50 + 40 × 20 = 3800 hundredths, 38 (IMPROVE between 30 and 60).
    const v2 = await evaluate(customerId, [
      { indicator: 'volume', score: 50 },
      { indicator: 'payment', score: 20 },
    ]);
    expect(v2.data!.evaluateRelationship.evaluation).toMatchObject({ templateVersion: 2, total: 38, recommendation: 'IMPROVE' });
    expect((await evaluate(customerId, flat(50))).data!.evaluateRelationship.userErrors[0]).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it("shows a key customer's relationship card with the staff, the latest evaluation and recent contacts; none for other customers", async () => {
    const key = await announce('KEY', [user('alice'), user('bob')]);
    const general = await announce('GENERAL');
    await okPayload(service, `mutation($input: LogInteractionInput!) { logInteraction(input: $input) { interaction { id } userErrors { field code message } } }`, { input: { customerId: key, channel: 'PHONE', occurredAt: '2025-06-01T02:00:00Z', summary: 'Quarterly call' } }, t.alice);
    await okPayload(service, `mutation($input: PlanVisitInput!) { planVisit(input: $input) { visit { id } userErrors { field code message } } }`, { input: { customerId: key, purpose: 'Annual review', plannedAt: '2025-06-05T02:00:00Z' } }, t.alice);
    const evaluation = (await okPayload(service, EVALUATE, { input: { customerId: key, scores: [{ indicator: 'volume', score: 90 }, { indicator: 'payment', score: 80 }] } }, t.alice)).evaluation;
    const [card, none] = (await ok(service, CARD, { r: [key, general].map((id) => ({ __typename: 'Customer', id })) }, t.alice))._entities;
    expect(card.relationshipCard).toEqual({
      id: `${key}:relationship-card`,
      assignedStaff: [{ id: user('alice') }, { id: user('bob') }],
      latestEvaluation: { id: evaluation.id },
      recentInteractions: [expect.objectContaining({ summary: 'Quarterly call' })],
      recentVisits: [expect.objectContaining({ purpose: 'Annual review' })],
    });
    expect(card.latestRelationshipEvaluation).toMatchObject({ id: evaluation.id, recommendation: 'MAINTAIN', total: 86 });
    expect(none.relationshipCard).toBeNull();
    const partner = (await ok(service, CARD, { r: [{ __typename: 'Customer', id: key }] }, t.partner))._entities[0];
    expect(partner).toMatchObject({ latestRelationshipEvaluation: null, relationshipCard: null });
  });

  it("reads 50 customers' evaluations and cards with one query per collection", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i += 1) ids.push(await announce(i % 2 === 0 ? 'KEY' : 'GENERAL'));
    commands.length = 0;
    const data = await ok(service, CARD, { r: ids.map((id) => ({ __typename: 'Customer', id })) }, t.east);
    expect(data._entities.filter((c: { relationshipCard: unknown }) => c.relationshipCard !== null)).toHaveLength(25);
    const reads = (collection: string) =>
      commands.filter((c) => {
        const command = c.command as { find?: string; aggregate?: string; filter?: Record<string, unknown> };
        return (command.find === collection || command.aggregate === collection) && !JSON.stringify(command.filter ?? {}).includes('pendingEvents');
      }).length;
    expect(['relationship_evaluations', 'care_customers', 'interactions', 'visits'].map((collection) => [collection, reads(collection)])).toEqual([
      ['relationship_evaluations', 1],
      ['care_customers', 1],
      ['interactions', 1],
      ['visits', 1],
    ]);
    // The caller's scope and the cards' assigned staff.
    expect(reads('customer_scopes')).toBeLessThanOrEqual(2);
  });
});
