// The progress of `npm start`'s demo seeding, which runs after the URL is printed while the platform is in use.
// Progress is counted in GraphQL requests this process sends to the gateway (undici's diagnostics channel sees every
// fetch), so the seeders need not report anything; the total is what a full seeding of an empty database sends.
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import diagnosticsChannel from 'node:diagnostics_channel';

/** Requests a full demo seeding sends through the gateway (measured; the bar stops short of 100 % until it is done). */
export const EXPECTED_SEED_REQUESTS = 3_850;

export interface SeedProgress {
  /** A seeder's line, printed above the bar (or as it is when there is no terminal). */
  log(line: string): void;
  /** Seeding is over: the bar reaches its end and goes away. Returns how many requests were sent. */
  done(summary: string): number;
}

interface RequestCreated {
  request: { origin?: string | URL; path?: string };
}

/** Counts the requests to `graphqlUrl` from now on and shows them as a bar on a terminal, as a line per 10 % otherwise. */
export function seedProgress(graphqlUrl: string, out: NodeJS.WriteStream = process.stdout): SeedProgress {
  const target = new URL(graphqlUrl);
  let sent = 0;
  const onRequest = (message: unknown) => {
    const { request } = message as RequestCreated;
    if (String(request.origin) === target.origin && request.path?.startsWith(target.pathname)) sent += 1;
  };
  diagnosticsChannel.subscribe('undici:request:create', onRequest);
  const started = Date.now();
  const total = EXPECTED_SEED_REQUESTS;
  const shown = () => Math.min(sent, total - 1);

  let bars: MultiBar | undefined;
  let bar: SingleBar | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastTenth = 0;
  if (out.isTTY) {
    bars = new MultiBar(
      { stream: out, format: 'seeding demo data [{bar}] {percentage}% | {value}/{total} requests | {duration}s', hideCursor: false, clearOnComplete: true, etaBuffer: 50 },
      Presets.shades_classic,
    );
    bar = bars.create(total, 0);
    timer = setInterval(() => bar?.update(shown()), 250);
  } else {
    timer = setInterval(() => {
      const tenth = Math.floor((shown() / total) * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        out.write(`seeding demo data: ${tenth * 10}% (${sent} requests, ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
      }
    }, 500);
  }
  timer.unref();

  return {
    log: (line) => (bars ? bars.log(`${line}\n`) : out.write(`${line}\n`)),
    done: (summary) => {
      clearInterval(timer);
      diagnosticsChannel.unsubscribe('undici:request:create', onRequest);
      if (bar && bars) {
        bar.setTotal(Math.max(sent, 1));
        bar.update(sent);
        bars.stop();
      }
      out.write(`${summary}\n`);
      return sent;
    },
  };
}
