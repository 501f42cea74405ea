import { runChaos } from './chaos';

// A short chaos run (the long one is `npm run chaos`): service-desk as its own process, killed with SIGKILL halfway
// through 50 concurrent openTicket writes and restarted; every acknowledged ticket has its event, none twice, and
// no event names a ticket that was never committed.
describe('chaos: kill -9 of service-desk under concurrent writes', () => {
  it('loses, invents and duplicates no event', async () => {
    const counts = await runChaos({ service: 'service-desk', rounds: 1, writes: 50, concurrency: 10 });
    console.log(`chaos: ${JSON.stringify(counts)}`);
    expect(counts.kills).toBe(1);
    expect(counts.acknowledged).toBeGreaterThan(0);
    expect(counts.events).toBeGreaterThanOrEqual(counts.acknowledged);
    expect({ lost: counts.lost, phantom: counts.phantom, duplicate: counts.duplicate }).toEqual({ lost: 0, phantom: 0, duplicate: 0 });
  }, 120_000);
});
