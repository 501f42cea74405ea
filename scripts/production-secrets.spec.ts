/**
 * No well-known secret in production: every process (the five subgraphs and the gateway) refuses at start, with
 * NODE_ENV=production, a JWT_SECRET that the repository ships or that is shorter than 32 bytes, naming the variable and
 * pointing at JWT_JWKS_URL. The refusal happens while reading the config, before any server is contacted.
 * A scan of the tracked files keeps the list of shipped secrets complete.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEV_JWT_SECRET, REPOSITORY_JWT_SECRETS } from '@crm/auth';
import { serviceRegistry } from '@crm/contracts';
import { testServiceEnv } from '@crm/testing';
import { ConfigError, jwtConfigProblems, loadConfig, MIN_JWT_SECRET_BYTES } from '@crm/kernel';
import { gatewayConfigSchema } from '../apps/gateway/src/gateway.config';
import { loadSubgraph } from './platform/platform';

const root = path.resolve(__dirname, '..');
const ownSecret = () => randomBytes(32).toString('base64url');

/** The error a process's start-up raises for an environment (a subgraph that starts, on the test servers, is stopped again). */
async function startError(name: string, env: NodeJS.ProcessEnv): Promise<unknown> {
  try {
    if (name === 'gateway') loadConfig(gatewayConfigSchema, env);
    else {
      const definition = await loadSubgraph(name as (typeof serviceRegistry)[number]['name']);
      const testEnv = testServiceEnv(name);
      delete testEnv.JWT_SECRET;
      const running = await definition.start({ env: { ...testEnv, ...env } });
      await running.stop();
    }
    return undefined;
  } catch (error) {
    return error;
  }
}

const PROCESSES = [...serviceRegistry.map((s) => s.name), 'gateway'];

describe.each(PROCESSES)('the %s process with NODE_ENV=production', (name) => {
  test.each(REPOSITORY_JWT_SECRETS.map((secret) => [secret]))('refuses JWT_SECRET=%s, which the repository ships, naming JWT_SECRET and JWKS', async (secret) => {
    const error = await startError(name, { NODE_ENV: 'production', JWT_SECRET: secret });
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/JWT_SECRET: is a secret written in the repository/);
    expect(message).toMatch(/JWT_JWKS_URL.*\(preferred\)/);
    // The refused value is not repeated into the logs.
    expect(message).not.toContain(secret);
  });

  it('refuses a JWT_SECRET shorter than 32 bytes (counted in bytes, not characters)', async () => {
    const short = 'é'.repeat(15); // 15 characters, 30 bytes
    const error = await startError(name, { NODE_ENV: 'production', JWT_SECRET: short });
    expect((error as ConfigError).problems).toEqual([`JWT_SECRET: must be at least ${MIN_JWT_SECRET_BYTES} bytes (JWT_JWKS_URL is preferred)`]);
  });

  it('starts with a secret of its own, and with a JWKS URL', async () => {
    for (const keySource of [{ JWT_SECRET: ownSecret() }, { JWT_JWKS_URL: 'https://identity.example.com/.well-known/jwks.json' }]) {
      const error = await startError(name, { NODE_ENV: 'production', ...keySource });
      expect(error).toBeUndefined();
    }
  });
});

describe('outside production', () => {
  it('the development secret is accepted (npm start, tests)', () => {
    expect(jwtConfigProblems({ JWT_SECRET: DEV_JWT_SECRET })).toEqual([]);
    expect(jwtConfigProblems({ NODE_ENV: 'development', JWT_SECRET: DEV_JWT_SECRET })).toEqual([]);
    expect(jwtConfigProblems({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET })).toHaveLength(1);
  });
});

/** The files the repository ships (tracked by git), without the lock file and binaries. */
function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file && !/(^|\/)package-lock\.json$|\.(png|jpg|ico|woff2?|gz|zip)$/.test(file));
}

/** Literals that look like a secret: a word with "secret" in it and a dash or digit, or the value given to JWT_SECRET. */
function secretShapedLiterals(text: string): string[] {
  const found = new Set<string>();
  for (const [match] of text.matchAll(/[A-Za-z0-9_.-]*secret[A-Za-z0-9_.-]*/gi)) {
    const word = match.replace(/^[-.]+|[-.]+$/g, '');
    if (/[-\d]/.test(word) && word.length >= 16) found.add(word);
  }
  for (const [, value] of text.matchAll(/JWT_SECRET["']?\s*[:=]\s*["']?([^\s"'`,;)}]+)/g)) if (!/^[$<.]|^process\./.test(value)) found.add(value);
  for (const [, fallback] of text.matchAll(/\$\{JWT_SECRET:?-([^}]+)\}/g)) found.add(fallback);
  return [...found];
}

describe('the repository', () => {
  it('ships no secret-shaped literal of at least 32 bytes that a production process would accept as JWT_SECRET', () => {
    const accepted: string[] = [];
    for (const file of trackedFiles()) {
      let text: string;
      try {
        text = readFileSync(path.join(root, file), 'utf8');
      } catch {
        continue; // listed but absent (a deletion not yet committed)
      }
      for (const literal of secretShapedLiterals(text)) {
        if (Buffer.byteLength(literal) < MIN_JWT_SECRET_BYTES) continue;
        if (jwtConfigProblems({ NODE_ENV: 'production', JWT_SECRET: literal }).length === 0) accepted.push(`${file}: ${literal}`);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('the scan finds the development secret where it is written', () => {
    expect(secretShapedLiterals(readFileSync(path.join(root, 'libs/auth/src/dev-token.ts'), 'utf8'))).toContain(DEV_JWT_SECRET);
  });
});
