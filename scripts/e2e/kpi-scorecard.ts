// The KPI scorecard end to end: every department with every consultant and every figure of one period, through the
// gateway against npm start's demo data. Each figure comes from the subgraph that holds its data; the number of
// database reads per subgraph does not grow with the number of consultants (counted by commandStarted). It runs
// inside root-queries.e2e.spec.ts, which seeds the demo data once for both.
import type { mongo } from 'mongoose';
import { call } from '../platform/demo-data';
import type { RunningPlatform, SubgraphName } from '../platform/platform';

const FIGURES = `newCustomers(period: $p) convertedCustomers(period: $p) conversionRate(period: $p) complaintCount(period: $p) complaintRate(period: $p)
  satisfaction(period: $p) { responses meanScore } sales(period: $p) { amountMinor currency } collections(period: $p) { amountMinor currency }`;
const SCORECARD = `query($p: String!) { departments { id name ${FIGURES}
  consultants { id name ${FIGURES} engagementActivity(period: $p) { visitsDone interactionsLogged returnVisitsMissed minutesDue minutesOverdue } } } }`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely, as call() returns them
type Row = Record<string, any>;

/** What the scorecard tests need from the platform their caller started and seeded (services started with MONGO_MONITOR_COMMANDS). */
export interface ScorecardContext {
  platform: RunningPlatform;
  url: string;
  tokens: Record<string, string>;
}

export function describeKpiScorecard(context: () => ScorecardContext): void {
describe('the KPI scorecard through the gateway', () => {
  let platform: RunningPlatform;
  let url: string;
  let tokens: Record<string, string>;
  const period = String(new Date().getUTCFullYear());
  const reads = new Map<SubgraphName, mongo.CommandStartedEvent[]>();

  beforeAll(() => {
    ({ platform, url, tokens } = context());
    for (const [name, service] of Object.entries(platform.services) as [SubgraphName, (typeof platform.services)[SubgraphName]][]) {
      const commands: mongo.CommandStartedEvent[] = [];
      reads.set(name, commands);
      service.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
    }
  });
  /** Reads of the scorecard's own data per subgraph (finds, aggregates, counts; the outbox relay's polls left out). */
  const readsOnce = async (run: () => Promise<unknown>): Promise<Record<string, number>> => {
    for (const commands of reads.values()) commands.length = 0;
    await run();
    const counts: Record<string, number> = {};
    for (const [name, commands] of reads) {
      counts[name] = commands.filter((c) => {
        const command = c.command as Record<string, unknown>;
        const collection = command.find ?? command.aggregate ?? command.count;
        return typeof collection === 'string' && kpiCollections[name].includes(collection) && !JSON.stringify(command).includes('pendingEvents');
      }).length;
    }
    return counts;
  };
  // The fewest reads of two runs, per subgraph: a scheduled job's tick (on its own interval, reading the same
  // collections) can land in one window, not in both; what the query itself reads is in each.
  const readsDuring = async (run: () => Promise<unknown>): Promise<Record<string, number>> => {
    const [first, second] = [await readsOnce(run), await readsOnce(run)];
    return Object.fromEntries(Object.keys(first).map((name) => [name, Math.min(first[name], second[name])]));
  };

  it("shows the general manager every department's and consultant's figures, from the demo data", async () => {
    const { departments } = await call(url, SCORECARD, { p: period }, tokens.generalManager);
    expect(departments.length).toBeGreaterThanOrEqual(2);
    const consultants: Row[] = departments.flatMap((d: Row) => d.consultants);
    expect(consultants.length).toBeGreaterThanOrEqual(4);
    const sum = (rows: Row[], pick: (row: Row) => number | null | undefined) => rows.reduce((total, row) => total + (pick(row) ?? 0), 0);
    // Every figure is answered for the general manager, and the demo's activity shows in each subgraph's figures.
    for (const row of [...departments, ...consultants]) {
      for (const field of ['newCustomers', 'convertedCustomers', 'complaintCount']) expect(typeof row[field]).toBe('number');
      expect(row.satisfaction).toEqual(expect.objectContaining({ responses: expect.any(Number) }));
      expect(row.sales).toEqual(expect.objectContaining({ currency: 'CNY' }));
    }
    expect(sum(consultants, (c) => c.newCustomers)).toBeGreaterThan(0);
    expect(sum(departments, (d) => d.newCustomers)).toBe(sum(consultants, (c) => c.newCustomers));
    expect(sum(consultants, (c) => c.complaintCount)).toBeGreaterThan(0);
    expect(sum(consultants, (c) => c.satisfaction.responses)).toBeGreaterThan(0);
    expect(sum(consultants, (c) => c.sales.amountMinor)).toBeGreaterThan(0);
    expect(sum(consultants, (c) => c.engagementActivity.interactionsLogged)).toBeGreaterThan(0);
  });

  it('costs the same database reads per subgraph with twice the consultants', async () => {
    const before = await readsDuring(() => call(url, SCORECARD, { p: period }, tokens.generalManager));
    const { departments } = await call(url, '{ departments { id consultants { id } } }', {}, tokens.generalManager);
    const department = departments[0].id;
    const added = departments.reduce((n: number, d: Row) => n + d.consultants.length, 0);
    for (let i = 0; i < added; i += 1) {
      await call(url, 'mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } userErrors { field code message } } }', { i: { id: `kpi-extra-${i}`, name: `Extra Consultant ${i}`, departmentId: department } }, tokens.generalManager);
    }
    const after = await readsDuring(() => call(url, SCORECARD, { p: period }, tokens.generalManager));
    expect(after).toEqual(before);
    // Per subgraph, one read per collection behind a figure for each level (departments, consultants) at most.
    for (const name of Object.keys(kpiCollections) as SubgraphName[]) expect(after[name]).toBeLessThanOrEqual(2 * kpiCollections[name].length);
  });

  it("shows a consultant their own figures only, a department manager their department's, and a partner none", async () => {
    const asConsultant = (await call(url, SCORECARD, { p: period }, tokens.consultantWang)).departments as Row[];
    const readable = asConsultant.flatMap((d) => d.consultants).filter((c) => c.newCustomers !== null);
    expect(readable.length).toBe(1);
    expect(asConsultant.every((d) => d.newCustomers === null && d.sales === null && d.satisfaction === null && d.complaintCount === null)).toBe(true);
  });
});
}

/** The collections each subgraph's KPI fields read. */
const kpiCollections: Record<SubgraphName, string[]> = {
  accounts: ['customers'],
  credit: ['credit_orders', 'credit_ledgers'],
  surveys: ['survey_responses'],
  'service-desk': ['tickets', 'known_customers'],
  engagement: ['visits', 'interactions', 'return_visits', 'minutes'],
};
