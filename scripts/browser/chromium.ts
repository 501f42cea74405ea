// Where the browser tests find Chromium: CHROMIUM_PATH, else Debian's package (scripts/setup.sh installs it).
// Without one the browser specs skip and say so, except where BROWSER_TESTS_REQUIRED=true (CI): there a missing
// browser fails the run, so a CI that never drew a page cannot pass.
import { existsSync } from 'node:fs';

export const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function findChromium(candidates = CHROMIUM_CANDIDATES): string | undefined {
  return candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate));
}

/** The `describe` to use for a browser spec: skipped (with a warning) when there is no Chromium, unless it is required. */
export function describeWithChromium(name: string, chromium = findChromium()): jest.Describe {
  if (chromium || process.env.BROWSER_TESTS_REQUIRED === 'true') return describe;
  console.warn(`${name}: skipped, no Chromium binary (apt-get install chromium, or set CHROMIUM_PATH)`);
  return describe.skip;
}

/** Launch arguments for headless Chromium in a container (no sandbox as root, no GPU, /tmp instead of a small /dev/shm). */
export const HEADLESS_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];
