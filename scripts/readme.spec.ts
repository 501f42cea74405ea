// The README and the docs as a clone sees them: the demo tokens it names are the ones `npm start` prints, and
// every link points at a file of the repository.
import { DEV_JWT_SECRET } from '@crm/auth';
import { buildSchema, parse, validate } from 'graphql';
import { decodeJwt } from 'jose';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { demoTokens } from './platform/demo-data';

const root = path.resolve(__dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

interface TokenRow {
  name: string;
  sub: string;
  roles: string[];
  scope: string;
}

/** The rows of the table between the tokens markers: | `name` | `sub` | roles | department / partner |. */
function readmeTokenRows(text: string): TokenRow[] {
  const section = text.slice(text.indexOf('<!-- tokens:start'), text.indexOf('<!-- tokens:end -->'));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [name, sub, roles, scope] = line.split('|').slice(1, -1).map((cell) => cell.trim().replace(/`/g, ''));
      return { name, sub, roles: roles.split(',').map((r) => r.trim()), scope };
    });
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? markdownFiles(path.join(dir, entry.name)) : entry.name.endsWith('.md') ? [path.join(dir, entry.name)] : [],
  );
}

describe('README', () => {
  it('lists exactly the demo tokens npm start prints, in its order, each with its user, roles and scope', async () => {
    const tokens = await demoTokens(DEV_JWT_SECRET);
    const printed = Object.entries(tokens).map(([name, token]) => {
      const claims = decodeJwt(token) as { sub: string; roles: string[]; department_id?: string; partner_id?: string };
      return { name, sub: claims.sub, roles: claims.roles, scope: claims.department_id ?? claims.partner_id ?? '' };
    });
    expect(readmeTokenRows(readme)).toEqual(printed);
  });

  it('shows demo queries that the client schema accepts, each naming the demo user it runs as', async () => {
    const schema = buildSchema(readFileSync(path.join(root, 'schema', 'client-schema.graphql'), 'utf8'));
    const tokens = Object.keys(await demoTokens(DEV_JWT_SECRET));
    const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const problems = blocks.flatMap((block) => {
      const user = /^# (\w+):/.exec(block)?.[1];
      const errors = validate(schema, parse(block)).map((error) => error.message);
      return [...(user && tokens.includes(user) ? [] : [`no demo user named in: ${block.split('\n')[0]}`]), ...errors];
    });
    expect(problems).toEqual([]);
  });

  it('links only to files a clone contains', () => {
    const broken: string[] = [];
    for (const file of [path.join(root, 'README.md'), ...markdownFiles(path.join(root, 'docs'))]) {
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const resolved = path.resolve(path.dirname(file), target.split('#')[0]);
        const inside = !path.relative(root, resolved).startsWith('..');
        if (!inside || !existsSync(resolved)) broken.push(`${path.relative(root, file)} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
