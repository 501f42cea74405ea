// Tracing end to end, the whole platform in-process with an in-memory span exporter: a query through the gateway is
// one trace across the gateway and the two subgraphs it calls (with their MongoDB commands), and an event raised by a
// mutation carries the request's trace context on the bus, so the relay's publish and another service's processing
// of it link back to the request that produced it.
import { DEV_JWT_SECRET } from '@crm/auth';
import { ownIdOf } from '@crm/contracts';
import { installTestSpanExporter } from '@crm/telemetry';
import { graphql } from '@crm/testing';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { connect, type NatsConnection } from 'nats';
import { call, demoConsultants, demoDepartments, demoTokens } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

const serviceOf = (span: ReadableSpan) => span.resource.attributes['service.name'];
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const traceOf = (span: ReadableSpan) => span.spanContext().traceId;

describe('traces across gateway, subgraphs, MongoDB and NATS', () => {
  const exporter = new InMemorySpanExporter();
  let uninstall: () => void;
  let platform: RunningPlatform;
  let url: string;
  let token: string;

  beforeAll(async () => {
    uninstall = installTestSpanExporter(exporter);
    platform = await startE2ePlatform({ jwtSecret: DEV_JWT_SECRET });
    url = platform.gateway.graphqlUrl;
    token = (await demoTokens(DEV_JWT_SECRET)).generalManager;
    await call(url, 'mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { department { id } userErrors { code } } }', { i: demoDepartments[0] }, token);
    await call(url, 'mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } userErrors { code } } }', { i: demoConsultants[0] }, token);
  });

  afterAll(async () => {
    await platform?.stop();
    uninstall?.();
  });

  /** The finished spans once `ready` holds for them (a server span ends when its response has left, a consumer's later). */
  async function spansWhen(ready: (spans: ReadableSpan[]) => boolean, timeoutMs = 20_000): Promise<ReadableSpan[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const spans = exporter.getFinishedSpans();
      if (ready(spans)) return spans;
      if (Date.now() > deadline) throw new Error(`spans not there in time; finished: ${spans.map((s) => `${serviceOf(s)}:${s.name}`).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The trace of the one request sent to the gateway with `x-request-id: requestId`. */
  const gatewayServerSpan = (spans: ReadableSpan[], requestId: string) =>
    spans.find((s) => serviceOf(s) === 'gateway' && s.kind === SpanKind.SERVER && s.attributes['crm.request_id'] === requestId);

  it('follows one query through the gateway into both subgraphs it resolves from, and their MongoDB commands', async () => {
    const requestId = `trace-query-${Date.now()}`;
    const month = new Date().toISOString().slice(0, 7);
    const res = await graphql(url, 'query ConsultantComplaints($p: String!) { consultant(id: "c-wang") { name complaintCount(period: $p) } }', { p: month }, token, { 'x-request-id': requestId });
    expect(res.errors).toBeUndefined();
    expect(res.data?.consultant).toEqual({ name: 'Wang Fang', complaintCount: 0 });

    const spans = await spansWhen((all) => {
      const root = gatewayServerSpan(all, requestId);
      return root !== undefined && ['accounts', 'service-desk'].every((service) => all.some((s) => traceOf(s) === traceOf(root) && serviceOf(s) === service && s.kind === SpanKind.SERVER));
    });
    const root = gatewayServerSpan(spans, requestId)!;
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'ConsultantComplaints' });
    const trace = spans.filter((s) => traceOf(s) === traceOf(root));

    for (const service of ['accounts', 'service-desk']) {
      // gateway server span → the gateway's client span for the subgraph → the subgraph's server span (continued from traceparent).
      const fetch = trace.find((s) => serviceOf(s) === 'gateway' && s.kind === SpanKind.CLIENT && s.attributes['crm.subgraph'] === service);
      expect(fetch).toBeDefined();
      expect(fetch!.parentSpanId).toBe(idOf(root));
      const server = trace.find((s) => serviceOf(s) === service && s.kind === SpanKind.SERVER);
      expect(server).toMatchObject({ name: 'POST /graphql', parentSpanId: idOf(fetch!) });
      expect(server!.attributes['crm.request_id']).toBe(requestId);
      // The operation the gateway planned for this subgraph, named after the client's.
      expect(server!.attributes['graphql.operation.name']).toMatch(/^ConsultantComplaints__/);
    }
    // The subgraphs' reads are MongoDB command spans, children of the server span of their own service.
    const accountsServer = trace.find((s) => serviceOf(s) === 'accounts' && s.kind === SpanKind.SERVER)!;
    const reads = trace.filter((s) => serviceOf(s) === 'accounts' && s.attributes['db.system.name'] === 'mongodb');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((s) => s.parentSpanId === idOf(accountsServer) && s.kind === SpanKind.CLIENT)).toBe(true);
    expect(reads.map((s) => s.attributes['db.namespace'])).toContain(platform.services.accounts.connection.name);
    expect(reads.map((s) => s.attributes['db.collection.name'])).toContain('consultants');
    // Only the spans of this request are in its trace: one gateway server span.
    expect(trace.filter((s) => s.kind === SpanKind.SERVER && serviceOf(s) === 'gateway')).toHaveLength(1);
  });

  it("carries the request's trace context in the event it raises; the relay and another service's consumer link to it", async () => {
    let nc: NatsConnection | undefined;
    try {
      // What travels on the bus: a plain subscription to the subject of the event.
      nc = await connect({ servers: process.env.NATS_URL! });
      const onBus = nc.subscribe('crm.accounts.customer.created');
      const requestId = `trace-mutation-${Date.now()}`;
      const created = await graphql(
        url,
        'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { code } } }',
        { i: { name: `Traced customer ${requestId}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-wang' } },
        token,
        { 'x-request-id': requestId },
      );
      expect(created.data?.createCustomer.userErrors).toEqual([]);
      const customerId = created.data?.createCustomer.customer.id as string;

      let envelope: Record<string, any> | undefined;
      for await (const msg of onBus) {
        const event = JSON.parse(Buffer.from(msg.data).toString('utf8')) as Record<string, any>;
        if (event.data.customer.name === `Traced customer ${requestId}`) {
          envelope = event;
          break;
        }
      }
      const producer = (all: ReadableSpan[]) => {
        const root = gatewayServerSpan(all, requestId);
        return root && all.find((s) => traceOf(s) === traceOf(root) && serviceOf(s) === 'accounts' && s.kind === SpanKind.SERVER);
      };
      const linkedTo = (span: ReadableSpan, to: ReadableSpan) => span.links.some((link) => link.context.traceId === traceOf(to) && link.context.spanId === idOf(to));
      const consumers = (all: ReadableSpan[]) => {
        const accounts = producer(all);
        return accounts ? all.filter((s) => s.kind === SpanKind.CONSUMER && serviceOf(s) !== 'accounts' && linkedTo(s, accounts)) : [];
      };
      // Service desk, credit, engagement and surveys each keep what they need of the customer.
      const spans = await spansWhen((all) => new Set(consumers(all).map(serviceOf)).size >= 4);
      const accountsServer = producer(spans)!;

      // The envelope carries the W3C context of the accounts request span that wrote the event (distributed-tracing extension).
      expect(envelope?.subject).toBe(ownIdOf(customerId));
      expect(envelope?.traceparent).toBe(`00-${traceOf(accountsServer)}-${idOf(accountsServer)}-01`);

      const send = spans.find((s) => s.kind === SpanKind.PRODUCER && serviceOf(s) === 'accounts' && s.attributes['messaging.message.id'] === envelope?.id);
      expect(send).toMatchObject({ name: 'send crm.accounts.customer.created' });
      expect(linkedTo(send!, accountsServer)).toBe(true);

      const linked = consumers(spans);
      expect(new Set(linked.map(serviceOf))).toEqual(new Set(['service-desk', 'credit', 'engagement', 'surveys']));
      for (const consumer of linked) {
        expect(consumer.name).toBe('process crm.accounts.customer.created');
        expect(consumer.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.message.id': envelope?.id });
        // Delivered later, apart from the request: a trace of its own, linked rather than parented.
        expect(consumer.parentSpanId).toBeUndefined();
        expect(traceOf(consumer)).not.toBe(traceOf(accountsServer));
        // The handler's reads and writes (at least the processed-event check and record) are part of the consumer's trace.
        const writes = spans.filter((s) => serviceOf(s) === serviceOf(consumer) && s.parentSpanId === idOf(consumer) && s.attributes['db.system.name'] === 'mongodb');
        expect(writes.length).toBeGreaterThan(0);
      }
    } finally {
      await nc?.drain();
    }
  });
});
