// End to end for `npm run import -- customers <file>`: the CLI as a user runs it (its own process, through the
// gateway, token and gateway from its flags and env), importing the sample file of the docs twice.
import { eventsOnStream, tokenFor } from '@crm/testing';
import { customerCreatedV1, ownIdOf, streamFor } from '@crm/contracts';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { call } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { runImport } from '../import/import.cli';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

const root = path.join(__dirname, '../..');
const SAMPLE = path.join(root, 'docs/examples/customers.csv');

/** Run the CLI in its own process; answers its exit code and output. */
function importCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [require.resolve('tsx/cli'), 'scripts/import/import.cli.ts', ...args], { cwd: root, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run import -- customers <file>', () => {
  let platform: RunningPlatform;
  let url: string;
  let gm: string;
  let nc: NatsConnection;

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    gm = await tokenFor({ sub: 'gm-import', roles: ['general_manager'] });
    nc = await connect({ servers: process.env.NATS_URL! });
    // The owners the sample file names: the demo consultants.
    for (const [id, name] of [['D-EAST', 'East region sales'], ['D-WEST', 'West region sales']]) {
      await call(url, 'mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { department { id } userErrors { field code message } } }', { i: { id, name } }, gm);
    }
    for (const [id, name, departmentId] of [['c-wang', 'Wang Fang', 'D-EAST'], ['c-li', 'Li Wei', 'D-EAST'], ['c-zhao', 'Zhao Min', 'D-WEST']]) {
      await call(url, 'mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } userErrors { field code message } } }', { i: { id, name, departmentId } }, gm);
    }
  });
  afterAll(async () => {
    await nc?.drain();
    await platform?.stop();
  });

  const importedIds = async () => {
    const data = await call(url, 'query { customers(first: 100) { edges { node { id name importKey owner { name } } } } }', {}, gm);
    return data.customers.edges.map((e: { node: { id: string; name: string; importKey: string | null; owner: { name: string } } }) => e.node).filter((c: { importKey: string | null }) => c.importKey);
  };

  it('imports the sample file, reports the duplicate and the invalid row by line, and imports nothing twice on a re-run', async () => {
    const dry = await importCli(['customers', SAMPLE, '--dry-run'], { GATEWAY_URL: url, CRM_TOKEN: gm });
    expect(dry.stdout).toContain('6 rows: 4 valid (dry run: nothing written), 0 already imported, 1 duplicates skipped, 1 rejected');
    expect(await importedIds()).toEqual([]);

    const first = await importCli(['customers', SAMPLE], { GATEWAY_URL: url, CRM_TOKEN: gm });
    // A rejected row makes the exit code 1; the progress went to stderr.
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/\[#+\] 100%\s+6 \/ 6 rows/);
    const lines = first.stdout.split('\n');
    expect(lines[0]).toBe('6 rows: 4 imported, 0 already imported, 1 duplicates skipped, 1 rejected');
    expect(lines).toEqual(expect.arrayContaining(['line 6: skipped, may duplicate line 2 [NAME]', expect.stringMatching(/^line 7, contactPhone: /), expect.stringMatching(/^line 7, contactEmail: /)]));

    const imported = await importedIds();
    expect(imported.map((c: { importKey: string }) => c.importKey).sort()).toEqual(['ext:S-001', 'ext:S-002', 'ext:S-003', 'ext:S-004']);
    expect(imported.find((c: { importKey: string }) => c.importKey === 'ext:S-002')).toMatchObject({ name: 'Lanting Tea House', owner: { name: 'Zhao Min' } });
    // Each imported customer was announced once, as createCustomer announces it.
    for (const customer of imported) {
      const events = await eventsOnStream(await nc.jetstreamManager(), streamFor('accounts').name, customerCreatedV1.type, ownIdOf(customer.id));
      expect(events).toHaveLength(1);
    }

    // Again: every row imported before is ALREADY_IMPORTED, nothing is written.
    const second = await importCli(['customers', SAMPLE, '--gateway', url, '--token', gm], {});
    expect(second.stdout.split('\n')[0]).toBe('6 rows: 0 imported, 4 already imported, 1 duplicates skipped, 1 rejected');
    expect((await importedIds()).map((c: { id: string }) => c.id).sort()).toEqual(imported.map((c: { id: string }) => c.id).sort());
  });

  it('exits 2 naming what is wrong when the import cannot run', async () => {
    // In this process (the same entry point the CLI's process runs), to keep the spec short.
    const run = async (args: string[], env: NodeJS.ProcessEnv) => {
      const out: string[] = [];
      const code = await runImport(args, env, { out: (line) => out.push(line), progress: { isTTY: false, write: () => true } });
      return { code, stdout: out.join('\n') };
    };
    const env = { GATEWAY_URL: url, CRM_TOKEN: gm };
    expect(await run(['people', SAMPLE], env)).toMatchObject({ code: 2, stdout: expect.stringContaining('usage: npm run import -- customers <file.csv>') });
    expect(await run(['customers', SAMPLE, '--duplicates', 'merge'], env)).toMatchObject({ code: 2, stdout: expect.stringContaining('--duplicates is skip or import, not "merge"') });
    expect(await run(['customers', 'no-such-file.csv'], env)).toMatchObject({ code: 2, stdout: expect.stringContaining('cannot read no-such-file.csv: ENOENT') });
    const partner = await tokenFor({ sub: 'portal-x', roles: ['partner'], partner_id: 'P-X' });
    expect(await run(['customers', SAMPLE], { GATEWAY_URL: url, CRM_TOKEN: partner })).toMatchObject({ code: 2, stdout: expect.stringContaining('FORBIDDEN') });
    expect(await run(['customers', SAMPLE], { GATEWAY_URL: 'http://127.0.0.1:9/graphql', CRM_TOKEN: gm })).toMatchObject({ code: 2, stdout: expect.stringContaining('cannot reach the gateway at http://127.0.0.1:9/graphql') });
  });
});
