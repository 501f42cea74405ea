// The mutation fuzzer (scripts/e2e/fuzz-mutations.ts) with a long budget, never part of `npm test`: every mutation
// of every subgraph through the gateway, FUZZ_RUNS cases each (default 200), with the whole platform in-process on
// throw-away local servers (or MONGO_URL/NATS_URL). Prints the cases tried and the failures found per mutation and
// exits non-zero on any. Run: `npm run bench:fuzz` (FUZZ_SEED=n to replay, FUZZ_ONLY=createCustomer,openTicket to
// narrow, FUZZ_PARTNER_SHARE=0.2 for the share of cases sent with a partner token).
import { testServiceEnv, tokenFor } from '@crm/testing';
import { call, callWhenKnown } from '../platform/demo-data';
import { startPlatform } from '../platform/platform';
import { formatReport, fuzzServiceEnv, runFuzz, seedFuzzFixture } from '../e2e/fuzz-mutations';
import { benchServers } from './bench-seeding';

const runs = Number(process.env.FUZZ_RUNS ?? 200);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const partnerShare = Number(process.env.FUZZ_PARTNER_SHARE ?? 0.2);

async function main(): Promise<number> {
  const servers = await benchServers();
  process.env.MONGO_URL = servers.mongoUrl;
  process.env.NATS_URL = servers.natsUrl;
  const platform = await startPlatform({
    mongoUrl: servers.mongoUrl,
    natsUrl: servers.natsUrl,
    gatewayPort: 0,
    subgraphPorts: 'free',
    logLevel: process.env.FUZZ_LOG ?? 'silent',
    envFor: (name) => ({ ...testServiceEnv(name), ...fuzzServiceEnv(), PORT: '0' }),
  });
  try {
    const url = platform.gateway.graphqlUrl;
    const gm = await tokenFor({ sub: 'gm-fuzz', roles: ['general_manager'] });
    const partner = await tokenFor({ sub: 'portal-fuzz', roles: ['partner'], partner_id: 'P-FUZZ' });
    const fixture = await seedFuzzFixture(url, gm, call, callWhenKnown);
    console.log(`fuzzing every mutation with ${runs} cases each, seed ${seed} (FUZZ_SEED=${seed} replays it)`);
    const report = await runFuzz({
      platform,
      callers: [
        { role: 'general_manager', token: gm, weight: Math.round((1 - partnerShare) * 100) },
        ...(partnerShare > 0 ? [{ role: 'partner', token: partner, weight: Math.round(partnerShare * 100) }] : []),
      ],
      fixture,
      runsPerMutation: runs,
      seed,
      only: process.env.FUZZ_ONLY?.split(','),
      streamsExclusive: servers.source === 'local',
      onMutationDone: (mutation, f) =>
        console.log(`  ${mutation.padEnd(36)} ${String(f.cases).padStart(4)} cases  ${String(f.accepted).padStart(4)} accepted  ${String(f.rejected).padStart(4)} rejected  ${String(f.failures).padStart(3)} failures`),
    });
    console.log(formatReport(report));
    return report.failures.length > 0 ? 1 : 0;
  } finally {
    await platform.stop();
    await servers.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
