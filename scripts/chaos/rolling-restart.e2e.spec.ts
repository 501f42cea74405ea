// Two service-desk replicas behind one address, each restarted once (gracefully, as SIGTERM does) while 8 clients
// read and write through the gateway: no client request fails, no event is lost or doubled. With one replica the
// same restart does fail requests, which shows the load reached the restarting replica.
import { formatRollingRestart, runRollingRestart } from './rolling-restart';

jest.setTimeout(120_000);

describe('rolling restart of service-desk under load', () => {
  it('two replicas behind one address: zero failed requests, every opened ticket has exactly one event', async () => {
    const figures = await runRollingRestart({ replicas: 2, clients: 8, drainMs: 1_500 });
    console.log(formatRollingRestart(figures));
    expect(figures.restarts).toBe(2);
    expect(figures.requests).toBeGreaterThan(50);
    expect(figures.failureSamples).toEqual([]);
    expect(figures.failed).toBe(0);
    expect({ lost: figures.lost, duplicate: figures.duplicate }).toEqual({ lost: 0, duplicate: 0 });
    expect(figures.events).toBe(figures.ticketsOpened);
  });

  it('one replica: its restart fails the requests sent meanwhile, and still loses no event', async () => {
    const figures = await runRollingRestart({ replicas: 1, clients: 8, drainMs: 0 });
    console.log(formatRollingRestart(figures));
    expect(figures.failed).toBeGreaterThan(0);
    expect({ lost: figures.lost, duplicate: figures.duplicate }).toEqual({ lost: 0, duplicate: 0 });
  });
});
