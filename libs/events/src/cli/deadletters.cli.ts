import { parseArgs } from 'node:util';
import { connectEventBus } from '../event-bus';
import { inspectDeadLetter, listDeadLetters, replayDeadLetter } from '../dead-letters';

const usage = `usage: npm run deadletters -- <list|show|replay> [--service S] [--seq N]
  list [--service accounts]   dead letters, oldest first
  show --seq N                one dead letter with its payload
  replay --seq N              publish it again on its original subject and remove it
env: NATS_URL (default nats://127.0.0.1:4222)`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { service: { type: 'string' }, seq: { type: 'string' } } });
  const command = positionals[0];
  const bus = await connectEventBus(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', 'crm-deadletters-cli');
  try {
    switch (command) {
      case 'list': {
        const letters = await listDeadLetters(bus, values.service ? `deadletter.${values.service}.>` : 'deadletter.>');
        for (const l of letters) console.log(`${l.sequence}\t${l.failedAt}\t${l.consumer}\t${l.originalSubject}\t${l.eventId ?? '-'}\t${l.error}`);
        console.log(`${letters.length} dead letter(s)`);
        break;
      }
      case 'show':
        console.log(JSON.stringify(await inspectDeadLetter(bus, requireSeq(values.seq)), null, 2));
        break;
      case 'replay': {
        const letter = await replayDeadLetter(bus, requireSeq(values.seq));
        console.log(`replayed ${letter.eventId ?? letter.sequence} to ${letter.originalSubject}`);
        break;
      }
      default:
        console.error(usage);
        process.exitCode = 2;
    }
  } finally {
    await bus.nc.drain();
  }
}

function requireSeq(value: string | undefined): number {
  const seq = Number(value);
  if (!Number.isInteger(seq) || seq <= 0) throw new Error(`--seq must be a positive integer\n${usage}`);
  return seq;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
