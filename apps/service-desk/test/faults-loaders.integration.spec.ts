import type { RunningService } from '@crm/kernel';
import type { mongo } from 'mongoose';
import { announceCustomer, complaint, cst, ok, openTicket, startServiceDesk, tokens } from './service-desk-fixture';

const REPORTS = 12;
const REPORT = `mutation($i: ReportFaultInput!) { reportFault(input: $i) { faultReport { id } userErrors { field code message } } }`;
const LIST = `query($c: ID) { faultReports(customerId: $c) { id ticket { id } } }`;

jest.setTimeout(60_000);

describe('service-desk: FaultReport.ticket is batched per request', () => {
  let service: RunningService;
  const commands: mongo.CommandStartedEvent[] = [];

  beforeAll(async () => {
    ({ service } = await startServiceDesk(cst('2024-09-10T10:00:00'), { MONGO_MONITOR_COMMANDS: 'true' }));
    service.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
  });
  afterAll(() => service.stop());

  it(`resolves the tickets of ${REPORTS} fault reports with one read of the tickets`, async () => {
    const customerId = await announceCustomer(service, { owner: 'alice', department: 'D-EAST' });
    const [agent, tech] = [await tokens.agent(), await tokens.tech()];
    const ticketOfReport = new Map<string, string>();
    for (let i = 0; i < REPORTS; i++) {
      const ticket = await openTicket(service, complaint(customerId, { type: 'FAULT', severity: 'HIGH', matter: `Controller fault ${i}` }), agent);
      const input = { ticketId: ticket.id, severity: 'HIGH', faultOccurredAt: cst('2024-09-10T08:00:00').toISOString(), place: `Line ${i}`, symptoms: 'Reboots', handlingPlan: 'Swap it' };
      ticketOfReport.set((await ok(service, REPORT, { i: input }, tech)).reportFault.faultReport.id, ticket.id);
    }

    for (const token of [await tokens.gm(), await tokens.alice()]) {
      commands.length = 0;
      const reports = (await ok<{ faultReports: { id: string; ticket: { id: string } | null }[] }>(service, LIST, { c: customerId }, token)).faultReports;
      expect(reports).toHaveLength(REPORTS);
      expect(reports.map((r) => [r.id, r.ticket?.id])).toEqual(reports.map((r) => [r.id, ticketOfReport.get(r.id)]));
      // Reads of tickets by id (the outbox relay's background scans of the collection select on pendingEvents).
      const ticketReads = commands.filter((c) => (c.command as { find?: string; filter?: { _id?: unknown } }).find === 'tickets' && (c.command as { filter?: { _id?: unknown } }).filter?._id !== undefined);
      expect(ticketReads).toHaveLength(1);
    }
  });
});
