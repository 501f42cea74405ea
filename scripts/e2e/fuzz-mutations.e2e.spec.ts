// Every mutation of every subgraph, fuzzed through the gateway with malformed and boundary variables derived from the
// client schema (fast-check): never a 5xx, every error with a code (and none an unexpected INTERNAL_SERVER_ERROR),
// and a rejected call writes no document and publishes no event. How the generator and the exact no-write check
// work is described in ./fuzz-mutations.ts. A short budget here (FUZZ_RUNS cases per mutation, default 3, about a
// minute); the long one is `npm run bench:fuzz`. FUZZ_SEED replays a run; FUZZ_ONLY=a,b fuzzes only those mutations.
import { tokenFor } from '@crm/testing';
import { call, callWhenKnown } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';
import { formatReport, fuzzServiceEnv, runFuzz, seedFuzzFixture, type FuzzFixture } from './fuzz-mutations';

jest.setTimeout(240_000);

const runs = Number(process.env.FUZZ_RUNS ?? 3);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

describe('fuzzed mutations through the gateway', () => {
  let platform: RunningPlatform;
  let gm: string;
  let partner: string;
  let fixture: FuzzFixture;

  beforeAll(async () => {
    platform = await startE2ePlatform({ envFor: () => fuzzServiceEnv() });
    gm = await tokenFor({ sub: 'gm-fuzz', roles: ['general_manager'] });
    partner = await tokenFor({ sub: 'portal-fuzz', roles: ['partner'], partner_id: 'P-FUZZ' });
    fixture = await seedFuzzFixture(platform.gateway.graphqlUrl, gm, call, callWhenKnown);
  });
  afterAll(() => platform?.stop());

  it('answers every malformed or boundary call with a code and no 5xx, and writes nothing for a rejected one', async () => {
    const report = await runFuzz({
      platform,
      callers: [
        { role: 'general_manager', token: gm, weight: 4 },
        { role: 'partner', token: partner, weight: 1 },
      ],
      fixture,
      runsPerMutation: runs,
      seed,
      only: process.env.FUZZ_ONLY?.split(','),
      streamsExclusive: process.env.CRM_TEST_SERVERS === 'local',
    });
    console.log(formatReport(report));
    expect(Object.keys(report.perMutation).length).toBeGreaterThan(50);
    expect(report.cases).toBe(Object.keys(report.perMutation).length * runs);
    expect(report.failures).toEqual([]);
  });
});
