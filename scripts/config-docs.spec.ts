// The README's configuration table is generated from the config schemas; CI runs the --check mode.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CONFIG_END, CONFIG_START, configRows, platformConfigSources, renderConfigTable, runConfigDocsCli, withConfigSection, type ConfigSource } from './platform/config-docs';

const sources: ConfigSource[] = [
  { process: 'alpha', fields: { PORT: z.coerce.number().default(0).describe('Port.'), DB_URL: z.string(), TRACE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') } },
  { process: 'beta', fields: { PORT: z.coerce.number().default(0).describe('Port.'), DB_URL: z.string(), HOLIDAYS: z.string().default('').describe('Days | comma separated.') } },
  { process: 'gateway', fields: { PORT: z.coerce.number().default(4000).describe('Port.'), TOKEN_URL: z.string().describe('Where keys are.').optional() } },
];

describe('configuration table', () => {
  it('has one row per variable and default, naming who reads it', () => {
    expect(configRows(sources)).toEqual([
      { variable: 'DB_URL', processes: ['all subgraphs'], default: 'required', description: '' },
      { variable: 'HOLIDAYS', processes: ['beta'], default: 'empty', description: 'Days | comma separated.' },
      { variable: 'PORT', processes: ['all subgraphs'], default: '`0`', description: 'Port.' },
      { variable: 'PORT', processes: ['gateway'], default: '`4000`', description: 'Port.' },
      { variable: 'TOKEN_URL', processes: ['gateway'], default: 'unset', description: 'Where keys are.' },
      { variable: 'TRACE', processes: ['alpha'], default: '`false`', description: '' },
    ]);
  });

  it('renders a markdown table, escaping pipes inside cells', () => {
    const table = renderConfigTable(configRows(sources));
    expect(table.split('\n')).toHaveLength(2 + 6);
    expect(table).toContain('| `HOLIDAYS` | beta | empty | Days \\| comma separated. |');
  });

  it('replaces only what is between the markers, and refuses a README without them', () => {
    const readme = `intro\n${CONFIG_START}\nold table\n${CONFIG_END}\nrest\n`;
    expect(withConfigSection(readme, 'new table')).toBe(`intro\n${CONFIG_START}\nnew table\n${CONFIG_END}\nrest\n`);
    expect(() => withConfigSection('no markers here', 'new table')).toThrow(/needs the markers/);
  });

  it('--check fails on a stale table and passes once it is rewritten', async () => {
    const readmePath = path.join(mkdtempSync(path.join(tmpdir(), 'config-docs-')), 'README.md');
    writeFileSync(readmePath, `# x\n${CONFIG_START}\n| stale |\n${CONFIG_END}\n`);
    const errors: string[] = [];
    const quiet = { readmePath, sources, out: () => undefined, err: (line: string) => errors.push(line) };
    expect(await runConfigDocsCli(['--check'], quiet)).toBe(1);
    expect(errors.join('\n')).toMatch(/differs from the config schemas: run npm run config:docs/);
    expect(await runConfigDocsCli([], quiet)).toBe(0);
    expect(readFileSync(readmePath, 'utf8')).toContain('| `TOKEN_URL` | gateway | unset | Where keys are. |');
    expect(await runConfigDocsCli(['--check'], quiet)).toBe(0);
  });
});

describe('the platform configuration', () => {
  it('includes every plugin slice of every subgraph, among them the variables the README used to miss', async () => {
    const byProcess = Object.fromEntries((await platformConfigSources()).map((s) => [s.process, Object.keys(s.fields)]));
    expect(byProcess['service-desk']).toEqual(expect.arrayContaining(['SLA_WATCH_INTERVAL_MS', 'REPORT_RUNNER_INTERVAL_MS', 'BUSINESS_DEPARTMENT_ID', 'WORKING_CALENDAR_HOLIDAYS', 'MONGO_URL', 'JWT_SECRET']));
    expect(byProcess.accounts).toEqual(expect.arrayContaining(['ACCESS_GRANT_MAX_DAYS', 'ACCOUNTS_FILING_CHECK_MS', 'ACCOUNTS_STALE_AFTER_DAYS']));
    expect(byProcess.gateway).toEqual(expect.arrayContaining(['MAX_COST', 'SUBGRAPH_CREDIT_URL']));
  });

  it('is what the committed README shows', async () => {
    const errors: string[] = [];
    expect(await runConfigDocsCli(['--check'], { out: () => undefined, err: (line) => errors.push(line) })).toBe(0);
    expect(errors).toEqual([]);
  });
});
