// Two replicas of accounts and two of service-desk on the same databases and the same NATS behave as one:
// scheduled jobs (the SLA watch, the filing-overdue check) run under a lease, so each breach or overdue event is
// raised once; durable consumers are shared by name, so each event is handled by one replica, once.
import { complaintSlaBreachedV1, complaintSlaNearBreachV1, creditProfileChangedV1, customerCreatedV1, customerFilingOverdueV1, streamFor } from '@crm/contracts';
import { createEvent, encodeEvent, ensureStream } from '@crm/events';
import { fixedClock, type RunningService } from '@crm/kernel';
import { eventsOnStream, eventually, graphql, testServiceEnv, tokenFor, type StoredEvent } from '@crm/testing';
import { loadSubgraph } from '../platform/platform';

jest.setTimeout(90_000);

/** Shanghai wall-clock time (the default working calendar's zone). */
const cst = (wallClock: string) => new Date(`${wallClock}+08:00`);
const MONDAY_9AM = cst('2024-09-23T09:00:00');
const CUSTOMERS = 12;
const JOB_INTERVAL_MS = '250';
const USER_ERRORS = 'userErrors { field code message }';

/** The handled deliveries of one durable consumer in one replica, by outcome (the kernel's consumer metric). */
async function consumed(service: RunningService, durablePrefix: string): Promise<Record<string, number>> {
  const metric = service.metrics.getSingleMetric('crm_events_consumed_total');
  const values = metric ? (await metric.get()).values : [];
  const byOutcome: Record<string, number> = {};
  for (const { labels, value } of values) {
    if (String(labels.durable).startsWith(durablePrefix)) byOutcome[String(labels.outcome)] = (byOutcome[String(labels.outcome)] ?? 0) + value;
  }
  return byOutcome;
}

async function ok(url: string, query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  const res = await graphql(url, query, variables, token);
  const userErrors = Object.values(res.data ?? {}).flatMap((payload) => (payload as { userErrors?: unknown[] } | null)?.userErrors ?? []);
  if (res.errors?.length || userErrors.length) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(res.errors ?? userErrors)}`);
  return res.data!;
}

/** How many times each subject appears among `events` (one key per subject). */
function countBySubject(events: StoredEvent[], key: (event: StoredEvent) => string = (event) => event.subject): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) counts[key(event)] = (counts[key(event)] ?? 0) + 1;
  return counts;
}

describe('two replicas of accounts and of service-desk on one database and one stream behave as one', () => {
  const clock = fixedClock(MONDAY_9AM);
  let accounts: RunningService[];
  let desks: RunningService[];
  let gm: string;
  let agent: string;
  let customerIds: string[];
  let ticketIds: string[];

  /** Every pending outbox event of every replica published; then the events of `type` on the service's stream. */
  const onStream = async (replicas: RunningService[], type: string) => {
    for (const replica of replicas) await replica.flushOutbox();
    return eventsOnStream(replicas[0].bus.jsm, streamFor(replicas[0].name).name, type);
  };

  beforeAll(async () => {
    const [accountsDefinition, deskDefinition] = await Promise.all([loadSubgraph('accounts'), loadSubgraph('service-desk')]);
    // One environment per service, shared by its replicas: the same database, the same durable names.
    const accountsEnv = testServiceEnv('accounts', { ACCOUNTS_FILING_CHECK_MS: JOB_INTERVAL_MS });
    const deskEnv = testServiceEnv('service-desk', { SLA_WATCH_INTERVAL_MS: JOB_INTERVAL_MS, REPORT_RUNNER_INTERVAL_MS: '3600000', BUSINESS_DEPARTMENT_ID: 'D-BUSINESS' });
    accounts = [];
    desks = [];
    // One after the other: the first replica creates the streams, consumers and indexes, the second finds them.
    for (let i = 0; i < 2; i += 1) accounts.push(await accountsDefinition.start({ env: accountsEnv, clock }));
    for (let i = 0; i < 2; i += 1) desks.push(await deskDefinition.start({ env: deskEnv, clock }));
    gm = await tokenFor({ sub: 'gm-1', roles: ['general_manager'] });
    agent = await tokenFor({ sub: 'agent-7', roles: ['service_agent'] });
    await ok(accounts[0].url, `mutation { upsertDepartment(input: { id: "D-EAST", name: "East sales" }) { department { id } ${USER_ERRORS} } }`, {}, gm);
    await ok(accounts[1].url, `mutation { upsertConsultant(input: { id: "alice", name: "Alice Wang", departmentId: "D-EAST" }) { consultant { id } ${USER_ERRORS} } }`, {}, gm);
  });

  afterAll(async () => {
    await Promise.allSettled([...(desks ?? []), ...(accounts ?? [])].map((replica) => replica.stop()));
  });

  it('customers created on either accounts replica are projected into service-desk once: the shared durable consumer handles each event on one replica', async () => {
    customerIds = [];
    for (let i = 0; i < CUSTOMERS; i += 1) {
      const data = await ok(
        accounts[i % 2].url,
        `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`,
        { i: { name: `Replicated Customer ${i}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'alice' } },
        gm,
      );
      customerIds.push(data.createCustomer.customer.id);
    }
    // Both accounts relays saw the same outbox: each customer.created is on the stream once (deduplicated by event id).
    const created = (await onStream(accounts, customerCreatedV1.type)).filter((event) => customerIds.includes(event.subject));
    expect(Object.values(countBySubject(created))).toEqual(Array(CUSTOMERS).fill(1));

    await eventually(async () => expect(await desks[0].connection.collection('known_customers').countDocuments({ _id: { $in: customerIds } } as never)).toBe(CUSTOMERS), 30_000);
    const perReplica = await Promise.all(desks.map((desk) => consumed(desk, 'service-desk-customer-directory-created')));
    const handled = perReplica.reduce((sum, outcomes) => sum + (outcomes.ok ?? 0), 0);
    const duplicates = perReplica.reduce((sum, outcomes) => sum + (outcomes.duplicate ?? 0), 0);
    // Handled once in all: not once per replica (the stream holds only this test's customers: a NATS per file).
    expect(handled).toBe(CUSTOMERS);
    expect(duplicates).toBe(0);
    console.log(`two-replicas: customer.created handled by service-desk replicas ${perReplica.map((outcomes) => outcomes.ok ?? 0).join(' + ')} = ${handled} of ${CUSTOMERS}`);
  });

  it('credit events are handled once by the two accounts replicas, and each grade is recorded once', async () => {
    const { jsm, js } = accounts[0].bus;
    await ensureStream(jsm, streamFor('credit'));
    for (const [i, customerId] of customerIds.entries()) {
      const event = createEvent(creditProfileChangedV1, {
        subject: customerId,
        actor: { userId: 'svc-credit', roles: ['internal_app'] },
        data: { customerId, grade: i % 2 ? 'A' : 'B', previousGrade: null, creditLimit: 0, currency: 'CNY', paymentTermDays: 30, frozen: false, revision: 1 },
      });
      await js.publish(event.type, encodeEvent(event), { msgID: event.id });
    }
    const read = `query($id: ID!) { customer(id: $id) { id creditGrade } }`;
    await eventually(async () => {
      for (const [i, id] of customerIds.entries()) expect((await ok(accounts[i % 2].url, read, { id }, gm)).customer.creditGrade).toBe(i % 2 ? 'A' : 'B');
    }, 30_000);
    const perReplica = await Promise.all(accounts.map((replica) => consumed(replica, 'accounts-classification-credit-grade')));
    expect(perReplica.reduce((sum, outcomes) => sum + (outcomes.ok ?? 0), 0)).toBe(CUSTOMERS);
    expect(perReplica.reduce((sum, outcomes) => sum + (outcomes.duplicate ?? 0) + (outcomes.retry ?? 0), 0)).toBe(0);
    // Recorded once: one processed-event mark per event in the shared database.
    expect(await accounts[0].connection.collection('processed_events').countDocuments({ _id: { $regex: '^accounts-classification-credit-grade' } } as never)).toBe(CUSTOMERS);
    console.log(`two-replicas: credit profile events handled by accounts replicas ${perReplica.map((outcomes) => outcomes.ok ?? 0).join(' + ')}`);
  });

  it('complaints opened on either service-desk replica breach their SLA once: one near-breach and one breach event per ticket and clock, whichever replica ran the watch', async () => {
    ticketIds = [];
    for (const [i, customerId] of customerIds.entries()) {
      const input = { customerId, type: 'COMPLAINT', channel: 'HOTLINE', severity: 'HIGH', matter: `Leaking pump ${i}`, complainant: { name: 'Zhang San', contact: '13800000000' }, product: 'P-100 pump' };
      const data = await ok(desks[i % 2].url, `mutation($input: OpenTicketInput!) { openTicket(input: $input) { ticket { id promisedReplyBy } ${USER_ERRORS} } }`, { input }, agent);
      ticketIds.push(data.openTicket.ticket.id);
    }
    const firstResponse = async () => {
      const statuses: string[] = [];
      for (const [i, id] of ticketIds.entries()) statuses.push((await ok(desks[i % 2].url, 'query($id: ID!) { ticket(id: $id) { sla { firstResponse { status } } } }', { id }, gm)).ticket.sla.firstResponse.status);
      return statuses;
    };

    // 100 of the 120 working minutes to the first answer used: the watch job (on whichever replica holds its lease) finds near-breaches.
    // The status is read against the clock; the alert is the watch's: wait for the watch's events, not the status.
    const alerted = async (type: string) => new Set((await onStream(desks, type)).filter((event) => ticketIds.includes(event.subject)).map((event) => event.subject)).size;
    clock.set(cst('2024-09-23T10:40:00'));
    await eventually(async () => expect(await firstResponse()).toEqual(Array(CUSTOMERS).fill('NEAR_BREACH')), 30_000);
    await eventually(async () => expect(await alerted(complaintSlaNearBreachV1.type)).toBe(CUSTOMERS), 30_000);
    clock.set(cst('2024-09-23T11:30:00'));
    await eventually(async () => expect(await firstResponse()).toEqual(Array(CUSTOMERS).fill('BREACHED')), 30_000);
    await eventually(async () => expect(await alerted(complaintSlaBreachedV1.type)).toBe(CUSTOMERS), 30_000);
    // Several more passes of the job on two replicas find nothing new.
    await new Promise((resolve) => setTimeout(resolve, Number(JOB_INTERVAL_MS) * 4));

    const near = (await onStream(desks, complaintSlaNearBreachV1.type)).filter((event) => ticketIds.includes(event.subject));
    const breached = (await onStream(desks, complaintSlaBreachedV1.type)).filter((event) => ticketIds.includes(event.subject));
    const byTicketAndClock = (event: StoredEvent) => `${event.subject}:${event.data.clock}`;
    expect(countBySubject(near, byTicketAndClock)).toEqual(Object.fromEntries(ticketIds.map((id) => [`${id}:FIRST_RESPONSE`, 1])));
    expect(countBySubject(breached, byTicketAndClock)).toEqual(Object.fromEntries(ticketIds.map((id) => [`${id}:FIRST_RESPONSE`, 1])));

    // One lease document for the watch in the shared database, held by one replica at a time.
    const lease = await desks[0].connection.collection('job_leases').findOne({ _id: 'sla-watch' } as never);
    expect(lease).toMatchObject({ holder: expect.any(String), until: expect.any(Date) });
  });

  it('filings overdue are raised once by the two accounts replicas', async () => {
    // Five working days after Monday's first contact have passed.
    clock.set(cst('2024-10-03T10:00:00'));
    const overdue = async () => (await onStream(accounts, customerFilingOverdueV1.type)).filter((event) => customerIds.includes(event.subject));
    await eventually(async () => expect(new Set((await overdue()).map((event) => event.subject)).size).toBe(CUSTOMERS), 30_000);
    await new Promise((resolve) => setTimeout(resolve, Number(JOB_INTERVAL_MS) * 4));
    expect(countBySubject(await overdue())).toEqual(Object.fromEntries(customerIds.map((id) => [id, 1])));
    const lease = await accounts[0].connection.collection('job_leases').findOne({ _id: 'raise-overdue-filings' } as never);
    expect(lease?.holder).toEqual(expect.any(String));
  });
});
