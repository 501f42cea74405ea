// Benchmark of the surveys analysis (issue 11), never part of `npm test`: BENCH_RESPONSES responses (1 000 000 by
// default) and a tenth as many requests are bulk-inserted into a throw-away surveys database on the dev server,
// then each analysis runs its one aggregation a few times. Prints the figures; asserts nothing.
// Run: `npx tsx scripts/benchmarks/surveys-analysis.bench.ts` (BENCH_RESPONSES=100000 for a quick look; the dev
// server is an in-memory Java server without secondary indexes, so these figures are not production's; a million
// needs BENCH_MONGO_HEAP=12g, see bench-seeding.ts). Results go to docs/domain/surveys.md.
import { testServiceEnv, tokenFor, graphql } from '@crm/testing';
import { Types } from 'mongoose';
import { performance } from 'node:perf_hooks';
import { surveysService } from '../../apps/surveys/src/surveys.service';
import { seedItems } from '../../apps/surveys/src/survey-responses/survey-templates';
import { benchServers, seedInBatches, type Batch } from './bench-seeding';

const total = Number(process.env.BENCH_RESPONSES ?? 1_000_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const BATCH = 5_000;
const requestStates = ['ANSWERED', 'PENDING', 'EXPIRED', 'SKIPPED'] as const;
const levels = ['SATISFIED', 'FAIRLY_SATISFIED', 'BASICALLY_SATISFIED', 'NOT_VERY_SATISFIED', 'DISSATISFIED'] as const;
const templates = ['AFTER_SALE', 'AFTER_SERVICE', 'VISIT'] as const;
const ANALYSE = 'query($i: SurveyAnalysisInput!) { surveyAnalysis(input: $i) { rows { responses meanScore shareDissatisfied responseRate } } }';

const pick = <T>(values: readonly T[], i: number) => values[i % values.length];

function response(i: number) {
  const template = pick(templates, i);
  const answers = seedItems(template).map((item, j) => ({ item, level: pick(levels, (i * 7 + j * 3) % 11), comment: null }));
  const points = answers.reduce((sum, a) => sum + 5 - levels.indexOf(a.level), 0);
  return {
    _id: new Types.ObjectId(),
    customerId: (i % 50_000).toString(16).padStart(24, '0'),
    template,
    templateVersion: 1 + (i % 2),
    answers,
    consultantId: `c-${i % 400}`,
    attribution: { consultantId: `c-${i % 400}`, departmentId: `D-${i % 20}`, region: pick(['North', 'South', 'East', 'West'], i), products: [`P-${i % 30}`] },
    respondedAt: new Date(Date.UTC(2023, 0, 1) + (i % (3 * 365)) * 86_400_000),
    score: points / answers.length,
    needsFollowUp: answers.some((a) => a.level === 'NOT_VERY_SATISFIED' || a.level === 'DISSATISFIED'),
    followUpDueAt: null,
    followUpClosedAt: null,
    recordedBy: 'bench',
    recordedAt: new Date(),
    pendingEvents: [],
  };
}

/** Responses [from, to) and a request for every tenth of them. */
function batch(from: number, to: number): Batch {
  const responses = Array.from({ length: to - from }, (_, k) => response(from + k));
  const requests = responses
    .filter((_, k) => (from + k) % 10 === 0)
    .map((r, k) => ({
      _id: new Types.ObjectId(),
      customerId: r.customerId,
      template: r.template,
      templateVersion: r.templateVersion,
      source: 'ORDER_DELIVERED',
      attribution: r.attribution,
      state: pick(requestStates, k),
      dueAt: r.respondedAt,
      createdAt: r.respondedAt,
      requestedBy: 'bench',
    }));
  return { survey_responses: responses, survey_requests: requests };
}

async function main(): Promise<void> {
  const servers = await benchServers();
  process.env.MONGO_URL = servers.mongoUrl;
  process.env.NATS_URL = servers.natsUrl;
  const service = await surveysService.start({ env: { ...testServiceEnv('surveys'), LOG_LEVEL: 'silent' } });
  try {
    const db = service.connection.db!;
    const t0 = performance.now();
    await seedInBatches(db, { from: 0, to: total, batchSize: BATCH, build: batch, unit: 'responses', log: console.log });
    console.log(`inserted ${total} responses and ${Math.ceil(total / 10)} requests in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const gm = await tokenFor({ sub: 'gm-bench', roles: ['general_manager'] });
    const cases: [string, Record<string, unknown>][] = [
      ['everything, one row', { by: [] }],
      ['by department and month', { by: ['DEPARTMENT', 'PERIOD'], period: 'MONTH' }],
      ['by item and quarter', { by: ['ITEM', 'PERIOD'], period: 'QUARTER' }],
      ['by consultant, one year', { by: ['CONSULTANT'], from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }],
      ['by product and region, one template', { by: ['PRODUCT', 'REGION'], template: 'AFTER_SALE' }],
    ];
    for (const [name, input] of cases) {
      const times: number[] = [];
      let rows = 0;
      for (let r = 0; r < runs; r++) {
        const started = performance.now();
        const res = await graphql(service.url, ANALYSE, { i: input }, gm);
        times.push(performance.now() - started);
        if (res.errors) throw new Error(`${name}: ${JSON.stringify(res.errors)}`);
        rows = res.data!.surveyAnalysis.rows.length;
      }
      times.sort((a, b) => a - b);
      console.log(`${name.padEnd(40)} rows ${String(rows).padStart(6)}   min ${times[0].toFixed(0)} ms   median ${times[Math.floor(times.length / 2)].toFixed(0)} ms`);
    }
  } finally {
    await service.stop();
    await servers.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
