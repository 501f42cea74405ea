// A client that retries a create (a timeout, a lost response) with the same idempotency key gets the first
// result back: through the gateway, for every create mutation, one record and one event however often it asks.
import { complaintOpenedV1, customerCreatedV1, interactionLoggedV1, ownIdOf, streamFor, surveyResponseRecordedV1, type ServiceName } from '@crm/contracts';
import { eventsOnStream, tokenFor } from '@crm/testing';
import { call, callWhenKnown } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

describe('idempotent creates through the gateway', () => {
  let platform: RunningPlatform;
  let url: string;
  let gm: string;
  let customerId: string;

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    gm = await tokenFor({ sub: 'gm-idem', roles: ['general_manager'] });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-IDEM", name: "Retries"}) { department { id } userErrors { field code message } } }', {}, gm);
    await call(url, 'mutation { upsertConsultant(input: {id: "c-idem", name: "Consultant Retry", departmentId: "D-IDEM"}) { consultant { id } userErrors { field code message } } }', {}, gm);
  });
  afterAll(() => platform?.stop());

  /** Sends the same create three times (twice at once), expects one id, and one event on the owner's stream. */
  async function onceFor(service: ServiceName, eventType: string, mutation: string, input: Record<string, unknown>, field: string): Promise<string> {
    // The payload's record (the one field beside userErrors).
    const send = () => callWhenKnown(url, mutation, { i: input }, gm).then((data) => (Object.entries(data[field]).find(([key]) => key !== 'userErrors')![1] as { id: string }).id);
    const first = await send();
    const retries = await Promise.all([send(), send()]);
    expect(retries).toEqual([first, first]);
    await platform.services[service].flushOutbox();
    // Events carry the record's own id; the gateway answers its global id.
    expect(await eventsOnStream(platform.services[service].bus.jsm, streamFor(service).name, eventType, ownIdOf(first))).toHaveLength(1);
    return first;
  }

  it('creates a customer, opens a ticket, logs an interaction and records a survey response once each', async () => {
    customerId = await onceFor(
      'accounts',
      customerCreatedV1.type,
      'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }',
      { idempotencyKey: 'idem-customer', name: 'Retry Valves', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-idem' },
      'createCustomer',
    );
    await onceFor(
      'service-desk',
      complaintOpenedV1.type,
      'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }',
      { idempotencyKey: 'idem-ticket', customerId, type: 'COMPLAINT', channel: 'HOTLINE', severity: 'HIGH', matter: 'Valve leaks', complainant: { name: 'Ms Lin' } },
      'openTicket',
    );
    await onceFor(
      'engagement',
      interactionLoggedV1.type,
      'mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } userErrors { field code message } } }',
      { idempotencyKey: 'idem-interaction', customerId, channel: 'PHONE', occurredAt: new Date(Date.now() - 60_000).toISOString(), summary: 'Called back' },
      'logInteraction',
    );
    const items = ['PRICE', 'PERFORMANCE', 'DESIGN', 'APPEARANCE_PACKAGING', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'];
    await onceFor(
      'surveys',
      surveyResponseRecordedV1.type,
      'mutation($i: RecordSurveyResponseInput!) { recordSurveyResponse(input: $i) { surveyResponse { id } userErrors { field code message } } }',
      { idempotencyKey: 'idem-survey', customerId, template: 'AFTER_SALE', respondedAt: new Date(Date.now() - 60_000).toISOString(), answers: items.map((item) => ({ item, level: 'SATISFIED', comment: null })) },
      'recordSurveyResponse',
    );
    const { customer } = await call(url, 'query($c: ID!) { customer(id: $c) { tickets { id } interactions { id } surveyResponses { id } } }', { c: customerId }, gm);
    expect([customer.tickets.length, customer.interactions.length, customer.surveyResponses.length]).toEqual([1, 1, 1]);
  });
});
