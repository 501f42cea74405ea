import type { RunningService } from '@crm/kernel';
import { announceCustomer, graphql, testServiceEnv, tokenFor } from '@crm/testing';
import type { mongo } from 'mongoose';
import { surveysService } from '../src/surveys.service';

const CUSTOMERS = 50;
type CommandStartedEvent = mongo.CommandStartedEvent;

describe('surveys: Customer fields are batched per request', () => {
  let service: RunningService;
  let agent: string;
  let manager: string;
  const commands: CommandStartedEvent[] = [];

  beforeAll(async () => {
    service = await surveysService.start({ env: testServiceEnv('surveys', { MONGO_MONITOR_COMMANDS: 'true' }) });
    service.connection.getClient().on('commandStarted', (event: CommandStartedEvent) => commands.push(event));
    agent = await tokenFor({ sub: 'agent-1', roles: ['service_agent'] });
    manager = await tokenFor({ sub: 'mgr-east', roles: ['department_manager'], department_id: 'D-EAST' });
  });
  afterAll(() => service.stop());

  it(`reads surveyResponses and satisfactionScore of ${CUSTOMERS} customers with one find and one aggregate`, async () => {
    // Customers of the manager's department, as accounts announced them.
    const customerIds: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) customerIds.push(await announceCustomer(service, { department: 'D-EAST' }));
    for (const customerId of customerIds) {
      const answers = ['APPOINTMENT_TIMELINESS', 'STAFF_ATTITUDE', 'STAFF_TECHNICAL_ABILITY', 'SERVICE_MATTERS', 'OTHER_NEEDS'].map((item) => ({ item, level: 'FAIRLY_SATISFIED' }));
      const res = await graphql(
        service.url,
        'mutation($input: RecordSurveyResponseInput!) { recordSurveyResponse(input: $input) { surveyResponse { id } userErrors { code message } } }',
        { input: { customerId, template: 'AFTER_SERVICE', respondedAt: '2025-04-01T09:00:00Z', answers } },
        agent,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.recordSurveyResponse.userErrors).toEqual([]);
    }

    commands.length = 0;
    const res = await graphql<{ _entities: { surveyResponses: unknown[]; satisfactionScore: number }[] }>(
      service.url,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { satisfactionScore surveyResponses { id score } } } }',
      { r: customerIds.map((id) => ({ __typename: 'Customer', id })) },
      manager,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toHaveLength(CUSTOMERS);
    expect(res.data!._entities.every((e) => e.surveyResponses.length === 1 && e.satisfactionScore === 4)).toBe(true);

    // Only the reads that serve the request: the outbox relay polls the same collection in the background.
    const byCustomer = commands.filter((c) => {
      const cmd = c.command as { find?: string; aggregate?: string; filter?: Record<string, unknown>; pipeline?: Record<string, { customerId?: unknown }>[] };
      return (cmd.find === 'survey_responses' && cmd.filter?.customerId !== undefined) || (cmd.aggregate === 'survey_responses' && cmd.pipeline?.[0]?.$match?.customerId !== undefined);
    });
    expect(byCustomer.map((c) => c.commandName).sort()).toEqual(['aggregate', 'find']);
    // One read of the customers' scopes serves the batch (the caller holds no grant: one grant lookup per request).
    // Only reads about this request's customers: the scope consumer handles other test files' customers meanwhile.
    const scopeReads = commands.filter((c) => (c.command as { find?: string }).find === 'customer_scopes' && customerIds.some((id) => JSON.stringify(c.command).includes(id)));
    expect(scopeReads).toHaveLength(1);
  });
});
