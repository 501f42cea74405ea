// `npm run chaos -- --service service-desk --rounds 4 --writes 200 [--concurrency 20] [--nats]`: kill -9 of a
// subgraph under concurrent writes, N rounds, then acknowledged writes, events, lost, phantom and duplicate counts.
// Exits 1 when anything was lost, invented or duplicated. Uses its own throw-away MongoDB-wire and NATS servers.
import { parseArgs } from 'node:util';
import { runChaos, type ChaosOptions } from './chaos';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      service: { type: 'string', default: 'service-desk' },
      rounds: { type: 'string', default: '4' },
      writes: { type: 'string', default: '200' },
      concurrency: { type: 'string', default: '20' },
      nats: { type: 'boolean', default: false },
    },
  });
  const started = Date.now();
  const counts = await runChaos({
    service: values.service as ChaosOptions['service'],
    rounds: Number(values.rounds),
    writes: Number(values.writes),
    concurrency: Number(values.concurrency),
    nats: values.nats,
    log: (line) => console.log(line),
  });
  console.log(`\nchaos ${values.service}: ${counts.kills} kill -9 of the service${values.nats ? ' + a NATS kill -9' : ''}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log('| attempted | acknowledged | events | lost | phantom | duplicate |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  console.log(`| ${counts.attempted} | ${counts.acknowledged} | ${counts.events} | ${counts.lost} | ${counts.phantom} | ${counts.duplicate} |`);
  return counts.lost + counts.phantom + counts.duplicate > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
