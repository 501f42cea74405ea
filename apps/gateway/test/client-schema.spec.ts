// What a client developer meets: the gateway's introspection and the published schema/client-schema.graphql both
// show the complaint subscription, and graphql-codegen's client plugins turn a subscription document into types.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findSchemaDir } from '@crm/kernel';
import { buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, type IntrospectionQuery } from 'graphql';
import ts from 'typescript';
import type { RunningGateway } from '../src/gateway';
import { readSupergraphSdl } from '../src/supergraph';
import { devToken, postGraphQL, startTestGateway } from './tiny-federation';

const CLIENT_SCHEMA_FILE = path.join(findSchemaDir(__dirname), 'client-schema.graphql');
const REPO_ROOT = path.dirname(findSchemaDir(__dirname));
const CODEGEN_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'graphql-codegen');

const COMPLAINTS = /* GraphQL */ `
  subscription Complaints($filter: ComplaintEventFilter, $after: String) {
    complaintEvents(filter: $filter, after: $after) {
      id
      cursor
      type
      ticket { id severity status customer { name } }
    }
  }
`;

// A client module as an app would write it against the generated types: it must compile under --strict.
const CLIENT_CODE = `
import type { ComplaintsSubscription, ComplaintsSubscriptionVariables } from './client';
export const variables: ComplaintsSubscriptionVariables = { filter: { types: ['opened'], severities: ['HIGH'] }, after: null };
export function describe(result: ComplaintsSubscription): string {
  const event = result.complaintEvents;
  return [event.id, event.cursor, event.type, event.ticket?.severity, event.ticket?.customer?.name].join(' ');
}
`;

describe('gateway: the client schema', () => {
  let gateway: RunningGateway;
  let token: string;
  let workDir: string;

  beforeAll(async () => {
    // The committed supergraph; no subgraph is running, and none is needed to introspect.
    gateway = await startTestGateway(readSupergraphSdl({}), { NATS_URL: process.env.NATS_URL! });
    token = await devToken();
    workDir = mkdtempSync(path.join(tmpdir(), 'gateway-codegen-'));
  });

  afterAll(async () => {
    await gateway?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('introspection at the gateway is the published schema/client-schema.graphql, subscription included', async () => {
    const response = await postGraphQL(gateway, getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }), { token });
    expect(response.body.errors).toBeUndefined();
    const served = buildClientSchema(response.body.data as unknown as IntrospectionQuery);
    expect(served.getSubscriptionType()?.getFields().complaintEvents).toBeDefined();
    const published = buildSchema(readFileSync(CLIENT_SCHEMA_FILE, 'utf8'));
    expect(printSchema(lexicographicSortSchema(served))).toBe(printSchema(lexicographicSortSchema(published)));
  });

  // Before the codegen test: its synchronous type check stalls this process, and a keep-alive socket the server
  // times out meanwhile would reset the next request (ECONNRESET).
  it('refuses a subscription sent over HTTP with 400 BAD_REQUEST, pointing at graphql-ws', async () => {
    const response = await postGraphQL(gateway, COMPLAINTS, { token });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('graphql-ws'), extensions: { code: 'BAD_REQUEST' } })]);
  });

  // Against the running gateway; the introspection test proves schema/client-schema.graphql gives codegen the same schema.
  it("graphql-codegen's typescript-operations against the gateway types the subscription, and a strict client compiles", async () => {
    const schema = [{ [gateway.graphqlUrl]: { headers: { authorization: `Bearer ${token}` } } }];
    // The codegen CLI as a client project runs it, with a config file of its own. typescript-operations 6 writes the
    // enums and input types an operation uses itself (the typescript plugin next to it would declare them twice).
    const config = path.join(workDir, 'codegen.json');
    writeFileSync(path.join(workDir, 'complaints.graphql'), COMPLAINTS);
    writeFileSync(
      config,
      JSON.stringify({ schema, documents: [path.join(workDir, 'complaints.graphql')], generates: { [path.join(workDir, 'client.ts')]: { plugins: ['typescript-operations'] } } }),
    );
    await promisify(execFile)(CODEGEN_BIN, ['--config', config, '--silent'], { cwd: REPO_ROOT });
    const generated = readFileSync(path.join(workDir, 'client.ts'), 'utf8');
    expect(generated).toMatch(/export type ComplaintsSubscription = \{[^]*complaintEvents: \{[^]*cursor: string/);
    expect(generated).toContain('export type ComplaintsSubscriptionVariables');

    writeFileSync(path.join(workDir, 'app.ts'), CLIENT_CODE);
    const program = ts.createProgram([path.join(workDir, 'app.ts')], { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});
