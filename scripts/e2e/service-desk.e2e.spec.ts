// End to end for the service desk: the demo seeding through the gateway, then what a supervisor and an
// internal app see — tickets in every state, breaches and escalations, reports, the Consultant KPI composed
// with accounts, and the complaint lifecycle on a plain NATS subscription.
import { DEV_JWT_SECRET } from '@crm/auth';
import { complaintEventsSubject } from '@crm/contracts';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { graphql } from '@crm/testing';
import { call, demoConsultants, demoDepartments, demoTokens } from '../platform/demo-data';
import { seedServiceDesk } from '../platform/demo-service-desk';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(180_000);

describe('service desk through the gateway, seeded like npm start', () => {
  let platform: RunningPlatform;
  let url: string;
  let nc: NatsConnection;
  let subscription: Subscription;
  const seen: { type: string; subject: string; data: Record<string, unknown> }[] = [];
  let tokens: Record<string, string>;

  beforeAll(async () => {
    platform = await startE2ePlatform({ jwtSecret: DEV_JWT_SECRET });
    url = platform.gateway.graphqlUrl;
    tokens = await demoTokens(DEV_JWT_SECRET);
    // An internal app on the bus: a plain (core) NATS subscription to every complaint event.
    nc = await connect({ servers: process.env.NATS_URL! });
    subscription = nc.subscribe(complaintEventsSubject);
    void (async () => {
      for await (const msg of subscription) {
        const event = JSON.parse(Buffer.from(msg.data).toString('utf8'));
        seen.push({ type: event.type, subject: event.subject, data: event.data });
      }
    })();

    const gm = tokens.generalManager;
    for (const department of demoDepartments) await call(url, 'mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { department { id } userErrors { field code message } } }', { i: department }, gm);
    for (const consultant of demoConsultants) await call(url, 'mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } userErrors { field code message } } }', { i: consultant }, gm);
    const customers: string[] = [];
    for (let i = 0; i < 16; i += 1) {
      const owner = demoConsultants[i % demoConsultants.length];
      const created = await call(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }', { i: { name: `SD demo customer ${i}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: owner.id } }, gm);
      customers.push(created.createCustomer.customer.id);
    }
    await seedServiceDesk(url, tokens, customers, () => undefined);
  });

  afterAll(async () => {
    subscription?.unsubscribe();
    await nc?.drain();
    await platform?.stop();
  });

  it('shows tickets in every state, with recorded breaches and escalations up to the general manager', async () => {
    const res = await call(url, '{ tickets(first: 50) { totalCount edges { node { status escalationLevel } } } }', {}, tokens.generalManager);
    const nodes = res.tickets.edges.map((e: { node: Record<string, any> }) => e.node);
    expect(new Set(nodes.map((n: any) => n.status))).toEqual(new Set(['RECEIVED', 'INVESTIGATING', 'ESCALATED', 'PLAN_AGREED', 'RESOLVED', 'FOLLOW_UP_VISITED', 'CLOSED']));
    expect(nodes.some((n: any) => n.escalationLevel === 'GENERAL_MANAGER')).toBe(true);
    const breached = await call(url, '{ tickets(filter: {slaBreached: true}) { totalCount } }', {}, tokens.generalManager);
    expect(breached.tickets.totalCount).toBeGreaterThanOrEqual(2);
  });

  it('composes the complaint KPIs on the Consultant that accounts owns', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const res = await call(url, 'query($p: String!) { consultant(id: "c-wang") { name complaintCount(period: $p) complaintRate(period: $p) } }', { p: month }, tokens.generalManager);
    expect(res.consultant).toMatchObject({ name: 'Wang Fang', complaintCount: expect.any(Number) });
    expect(res.consultant.complaintCount).toBeGreaterThanOrEqual(1);
    const asWang = await call(url, 'query($p: String!) { consultant(id: "c-wang") { complaintCount(period: $p) } }', { p: month }, tokens.consultantWang);
    expect(asWang.consultant.complaintCount).toBe(res.consultant.complaintCount);
  });

  it('finishes the requested report runs in the background; the department names come from accounts', async () => {
    const deadline = Date.now() + 30_000;
    let runs: any[] = [];
    while (Date.now() < deadline) {
      runs = (await call(url, '{ reportRuns { kind status progressPercent result { ... on ServiceSupervisionReport { departments { department { id name } requestsAccepted firstResponse { rate } } } ... on ComplaintAnalysisReport { total trend { month count } } } } }', {}, tokens.generalManager)).reportRuns;
      if (runs.length >= 2 && runs.every((r) => r.status === 'DONE')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(runs.map((r) => [r.kind, r.status, r.progressPercent]).sort()).toEqual([
      ['COMPLAINT_ANALYSIS', 'DONE', 100],
      ['SERVICE_SUPERVISION', 'DONE', 100],
    ]);
    const supervision = runs.find((r) => r.kind === 'SERVICE_SUPERVISION').result;
    expect(supervision.departments.map((d: any) => d.department.name).sort()).toEqual(['East region sales', 'Key accounts', 'West region sales']);
  });

  it('keeps the holiday calendar, the roster and the SLA policy versions', async () => {
    const res = await call(url, '{ workingCalendar { timeZone days(year: 2026) { kind } } slaPolicies { version } }', {}, tokens.serviceAgent);
    expect(res.workingCalendar.timeZone).toBe('Asia/Shanghai');
    expect(res.workingCalendar.days.filter((d: any) => d.kind === 'HOLIDAY').length).toBeGreaterThan(20);
    expect(res.slaPolicies.map((p: any) => p.version)).toEqual([1, 2]);
  });

  it('streams the complaint lifecycle to a plain NATS subscriber', async () => {
    const wanted = ['opened', 'transferred', 'escalated', 'sla-breached', 'resolved', 'reopened', 'closed'].map((e) => `crm.service-desk.complaint.${e}`);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !wanted.every((type) => seen.some((e) => e.type === type))) await new Promise((r) => setTimeout(r, 100));
    expect(wanted.filter((type) => !seen.some((e) => e.type === type))).toEqual([]);
    for (const event of seen) expect(event.data).toMatchObject({ ticketId: event.subject, customerId: expect.any(String), status: expect.any(String), severity: expect.any(String), occurredAt: expect.any(String) });
    // A partner is told NOT_FOUND: not even the ticket's existence is revealed.
    const partner = await graphql(url, 'query($id: ID!) { ticket(id: $id) { id } }', { id: seen[0].subject }, tokens.partnerPortal);
    expect(partner.data?.ticket ?? null).toBeNull();
    expect(partner.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });
});
