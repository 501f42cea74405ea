// npm run bench:rolling — service-desk restarted under load through the gateway, alone and as two replicas behind
// one address; prints failed client requests and lost or doubled events for each. ROLLING_CLIENTS (default 20),
// ROLLING_ROUNDS (default 2), ROLLING_DRAIN_MS (default 1000, what the balancer needs to see a replica go unready).
import { formatRollingRestart, runRollingRestart } from '../chaos/rolling-restart';

async function main(): Promise<void> {
  const clients = Number(process.env.ROLLING_CLIENTS ?? 20);
  const rounds = Number(process.env.ROLLING_ROUNDS ?? 2);
  const drainMs = Number(process.env.ROLLING_DRAIN_MS ?? 1000);
  let bad = false;
  for (const replicas of [1, 2] as const) {
    const figures = await runRollingRestart({ replicas, clients, rounds, drainMs, log: (line) => console.log(`  ${line}`) });
    console.log(formatRollingRestart(figures));
    if (figures.lost + figures.duplicate > 0 || (replicas === 2 && figures.failed > 0)) bad = true;
  }
  process.exit(bad ? 1 : 0);
}

void main();
