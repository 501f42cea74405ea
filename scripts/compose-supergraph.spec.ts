import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { CLIENT_SCHEMA_FILE, clientSchemaOf, composeSupergraph, readSubgraphSources, runComposeCli, SUPERGRAPH_FILE, SUPERGRAPH_HEADER } from './compose-supergraph';

const SCHEMA_DIR = path.resolve(__dirname, '..', 'schema');
const VALID = path.join(__dirname, 'fixtures/compose/valid');
const CONFLICTING = path.join(__dirname, 'fixtures/compose/conflicting');
const FIXTURE_URLS = { people: 'http://localhost:4101/graphql', orders: 'http://localhost:4102/graphql' };

/** Run the CLI and keep what it printed. */
async function cli(argv: string[], schemaDir: string, urls?: Record<string, string>) {
  const lines: string[] = [];
  const code = await runComposeCli(argv, { schemaDir, urls, out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { code, output: lines.join('\n') };
}

describe('compose-supergraph', () => {
  it('composes two subgraphs, one split over two files, into a supergraph with a header line', () => {
    const { sources, errors } = readSubgraphSources(VALID, FIXTURE_URLS);
    expect(errors).toEqual([]);
    expect(sources.map((s) => [s.name, s.files])).toEqual([
      ['orders', ['orders.graphql']],
      ['people', ['people.graphql', 'queries.graphql']],
    ]);
    const outcome = composeSupergraph(sources);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    expect(outcome.supergraph.split('\n')[0]).toBe(SUPERGRAPH_HEADER);
    expect(outcome.supergraph).toContain('ORDERS @join__graph(name: "orders", url: "http://localhost:4102/graphql")');
    expect(outcome.supergraph).toMatch(/type Person\s+@join__type\(graph: ORDERS, key: "id"\)\s+@join__type\(graph: PEOPLE, key: "id"\)/);
  });

  it('fails a deliberately conflicting pair with the composition error code', () => {
    const { sources } = readSubgraphSources(CONFLICTING, FIXTURE_URLS);
    const outcome = composeSupergraph(sources);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors.map((e) => e.code)).toContain('INVALID_FIELD_SHARING');
    expect(outcome.errors.find((e) => e.code === 'INVALID_FIELD_SHARING')?.message).toContain('Person.name');
  });

  it('--check exits 1 and prints the codes when composition fails', async () => {
    const { code, output } = await cli(['--check'], CONFLICTING, FIXTURE_URLS);
    expect(code).toBe(1);
    expect(output).toContain('[INVALID_FIELD_SHARING]');
  });

  it('--check exits 0 when the committed fixture supergraph matches its sources', async () => {
    const { code, output } = await cli(['--check'], VALID, FIXTURE_URLS);
    expect(output).not.toContain('stale');
    expect(code).toBe(0);
  });

  it('--check exits 1 with "stale supergraph" once a source changes, and writing makes it pass again', async () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'compose-'));
    try {
      cpSync(VALID, copy, { recursive: true });
      const ordersFile = path.join(copy, 'orders', 'orders.graphql');
      writeFileSync(ordersFile, readFileSync(ordersFile, 'utf8').replace('total: Int!', 'total: Int!\n  currency: String!'));

      const stale = await cli(['--check'], copy, FIXTURE_URLS);
      expect(stale.code).toBe(1);
      expect(stale.output).toContain('stale supergraph: run npm run compose');

      expect((await cli([], copy, FIXTURE_URLS)).code).toBe(0);
      expect(readFileSync(path.join(copy, SUPERGRAPH_FILE), 'utf8')).toContain('currency: String!');
      expect((await cli(['--check'], copy, FIXTURE_URLS)).code).toBe(0);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('refuses to write a breaking change unless it is accepted with a reason, which is recorded', async () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'compose-'));
    try {
      cpSync(VALID, copy, { recursive: true });
      const peopleFile = path.join(copy, 'people', 'people.graphql');
      const before = readFileSync(path.join(copy, SUPERGRAPH_FILE), 'utf8');
      writeFileSync(peopleFile, readFileSync(peopleFile, 'utf8').replace('  name: String!\n', ''));

      const refused = await cli([], copy, FIXTURE_URLS);
      expect(refused.code).toBe(1);
      expect(refused.output).toContain("Field 'name' was removed from object type 'Person'");
      expect(readFileSync(path.join(copy, SUPERGRAPH_FILE), 'utf8')).toBe(before);

      const accepted = await cli(['--accept-breaking', 'Person.name moved to the profile subgraph; portal team informed'], copy, FIXTURE_URLS);
      expect(accepted.code).toBe(0);
      expect(readFileSync(path.join(copy, 'BREAKING_CHANGES.md'), 'utf8')).toContain('Person.name moved to the profile subgraph');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('--check exits 1 with "stale client schema" when the client schema is missing or edited, and composing writes it', async () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'compose-'));
    try {
      cpSync(VALID, copy, { recursive: true });
      const clientFile = path.join(copy, CLIENT_SCHEMA_FILE);
      const written = readFileSync(clientFile, 'utf8');
      writeFileSync(clientFile, written.replace('total: Int!', 'total: Float!'));
      expect(await cli(['--check'], copy, FIXTURE_URLS)).toEqual({ code: 1, output: expect.stringContaining('stale client schema: run npm run compose') });
      rmSync(clientFile);
      expect(await cli(['--check'], copy, FIXTURE_URLS)).toEqual({ code: 1, output: expect.stringContaining('is missing') });
      expect((await cli([], copy, FIXTURE_URLS)).code).toBe(0);
      expect(readFileSync(clientFile, 'utf8')).toBe(written);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("the client schema is the supergraph's API schema plus the gateway's complaint subscription, without federation machinery", () => {
    const client = buildSchema(readFileSync(path.join(SCHEMA_DIR, CLIENT_SCHEMA_FILE), 'utf8'));
    const complaintEvents = client.getSubscriptionType()?.getFields().complaintEvents;
    expect(String(complaintEvents?.type)).toBe('ComplaintEvent!');
    expect(complaintEvents?.args.map((arg) => `${arg.name}: ${String(arg.type)}`)).toEqual(['filter: ComplaintEventFilter', 'after: String']);
    expect(client.getType('join__Graph')).toBeUndefined();
    expect(String(client.getQueryType()?.getFields().ticket?.type)).toBe('Ticket');
  });

  it('a supergraph that cannot carry the subscription (no Query.ticket) gets a client schema without one', () => {
    const client = buildSchema(clientSchemaOf(readFileSync(path.join(VALID, SUPERGRAPH_FILE), 'utf8')));
    expect(client.getSubscriptionType()).toBeUndefined();
    expect(Object.keys(client.getQueryType()!.getFields())).toEqual(['order', 'person']);
  });

  it('reports a subgraph folder without a routing URL instead of inventing one', () => {
    const { errors } = readSubgraphSources(VALID, { people: FIXTURE_URLS.people });
    expect(errors).toEqual([{ code: 'NO_ROUTING_URL', message: expect.stringContaining('orders') }]);
  });

  it('the checked-in client operations (schema/operations) are not read as a subgraph', () => {
    const { sources, errors } = readSubgraphSources(SCHEMA_DIR);
    expect(errors).toEqual([]);
    expect(sources.map((source) => source.name)).not.toContain('operations');
  });

  it('the committed schema/supergraph.graphql is what composing schema/ writes (the fixture stands in while schema/ has no subgraphs)', async () => {
    const hasSubgraphs = readSubgraphSources(SCHEMA_DIR).sources.length > 0;
    const { code, output } = hasSubgraphs ? await cli(['--check'], SCHEMA_DIR) : await cli(['--check'], VALID, FIXTURE_URLS);
    expect(output).not.toMatch(/stale|failed/);
    expect(code).toBe(0);
  });
});
