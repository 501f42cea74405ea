// Benchmark (never part of `npm test`): the bulk customer import as `npm run import` runs it, through the gateway in
// chunks (scripts/import/customer-import-client.ts), with the whole platform in-process on throw-away local servers
// (or MONGO_URL/NATS_URL). IMPORT_BENCH_ROWS rows (default 100 000) are generated as one CSV text: organisations and
// people with a phone, e-mail and registration number each, all distinct, owned by eight consultants. Prints rows/s
// of the import, then how long the outbox took to publish every customer.created event, then rows/s of a re-run
// of the same file (every row ALREADY_IMPORTED). Printed, never asserted.
// Run: `npm run bench:import` (IMPORT_BENCH_CONCURRENCY=2 for two chunks in flight).
import { streamFor } from '@crm/contracts';
import { testServiceEnv, tokenFor } from '@crm/testing';
import { connect } from 'nats';
import { performance } from 'node:perf_hooks';
import { importCustomersCsv, type ImportReport } from '../import/customer-import-client';
import { call } from '../platform/demo-data';
import { startPlatform } from '../platform/platform';
import { benchServers } from './bench-seeding';

const rows = Number(process.env.IMPORT_BENCH_ROWS ?? 100_000);
const concurrency = Number(process.env.IMPORT_BENCH_CONCURRENCY ?? 1);
// The gateway takes 1 000-row chunks (a larger body than its 100 KiB default) and waits long enough for a chunk on
// the dev MongoDB-wire server, which builds no secondary index: its duplicate check scans the archive.
const maxBodyBytes = Number(process.env.IMPORT_BENCH_MAX_BODY_BYTES ?? 1_000_000);
const subgraphTimeoutMs = Number(process.env.IMPORT_BENCH_SUBGRAPH_TIMEOUT_MS ?? 300_000);
const consultants = ['c-b1', 'c-b2', 'c-b3', 'c-b4', 'c-b5', 'c-b6', 'c-b7', 'c-b8'];

/** A CSV of `count` distinct customers: every name, phone, e-mail and registration number differs. */
function generateCsv(count: number): string {
  const lines = ['externalId,name,kind,listType,ownerId,region,industry,contactName,contactPhone,contactEmail,registrationNumber,category'];
  const regions = ['East', 'West', 'North', 'South'];
  for (let i = 0; i < count; i += 1) {
    const n = String(i).padStart(6, '0');
    const person = i % 5 === 4;
    lines.push(
      [
        `B-${n}`,
        person ? `Person ${n}` : `Bench Trading ${n}`,
        person ? 'INDIVIDUAL' : 'ORGANISATION',
        person ? 'INDIVIDUAL' : 'ENTERPRISE',
        consultants[i % consultants.length],
        regions[i % regions.length],
        person ? '' : 'Manufacturing',
        `Contact ${n}`,
        `139${String(i).padStart(8, '0')}`,
        `c${n}@bench.example`,
        person ? '' : `9131BENCH${n}`,
        ['TARGET', 'GENERAL', 'KEY', 'POTENTIAL'][i % 4],
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

const perSecond = (count: number, ms: number) => Math.round(count / (ms / 1000)).toLocaleString('en');

function print(label: string, report: ImportReport): void {
  const { totals } = report;
  console.log(
    `${label}: ${totals.rows.toLocaleString('en')} rows in ${(report.elapsedMs / 1000).toFixed(1)} s = ${perSecond(totals.rows, report.elapsedMs)} rows/s ` +
      `(${report.chunks} requests; ${totals.imported} imported, ${totals.alreadyImported} already imported, ${totals.duplicates} duplicates, ${totals.rejected} rejected)`,
  );
}

async function main(): Promise<void> {
  const servers = await benchServers();
  // testServiceEnv reads the servers from the environment, as under Jest.
  process.env.MONGO_URL = servers.mongoUrl;
  process.env.NATS_URL = servers.natsUrl;
  const platform = await startPlatform({
    mongoUrl: servers.mongoUrl,
    natsUrl: servers.natsUrl,
    gatewayPort: 0,
    subgraphPorts: 'free',
    logLevel: process.env.IMPORT_BENCH_LOG ?? 'silent',
    envFor: (name) => ({ ...testServiceEnv(name), PORT: '0' }),
    env: { ...process.env, SUBGRAPH_TIMEOUT_MS: String(subgraphTimeoutMs), MAX_BODY_BYTES: String(maxBodyBytes) },
  });
  const nc = await connect({ servers: servers.natsUrl });
  try {
    const url = platform.gateway.graphqlUrl;
    const gm = await tokenFor({ sub: 'gm-import-bench', roles: ['general_manager'] });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-BENCH", name: "Bench"}) { department { id } userErrors { field code message } } }', {}, gm);
    for (const id of consultants) {
      await call(url, 'mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } userErrors { field code message } } }', { i: { id, name: `Consultant ${id}`, departmentId: 'D-BENCH' } }, gm);
    }
    const csv = generateCsv(rows);
    console.log(`import benchmark: ${rows.toLocaleString('en')} rows (${(csv.length / 1e6).toFixed(1)} MB of CSV), ${concurrency} chunk(s) in flight, through the gateway`);
    const jsm = await nc.jetstreamManager();
    const stream = streamFor('accounts').name;
    const eventsBefore = (await jsm.streams.info(stream)).state.messages;

    let lastPrinted = 0;
    const first = await importCustomersCsv(csv, {
      gatewayUrl: url,
      token: gm,
      concurrency,
      maxChunkBytes: maxBodyBytes - 10_000,
      onProgress: (done, total) => {
        if (done - lastPrinted >= total / 10 || done === total) {
          lastPrinted = done;
          console.log(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} rows`);
        }
      },
    });
    print('import', first);

    // The events are published by the relay after each bulk insert; wait until every one is on the stream.
    const relayStarted = performance.now();
    for (;;) {
      const published = (await jsm.streams.info(stream)).state.messages - eventsBefore;
      if (published >= first.totals.imported || performance.now() - relayStarted > 600_000) {
        console.log(`events: ${published.toLocaleString('en')} customer.created on the stream ${((performance.now() - relayStarted) / 1000).toFixed(1)} s after the import answered`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const again = await importCustomersCsv(csv, { gatewayUrl: url, token: gm, concurrency, maxChunkBytes: maxBodyBytes - 10_000 });
    print('re-run (idempotent)', again);
  } finally {
    await nc.drain();
    await platform.stop();
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
