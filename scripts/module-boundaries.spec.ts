// The architecture's boundary: an app never imports another app, a lib never imports an app, product code never
// imports the tooling libs (testing, dev-servers) — tests may (eslint + Nx tags).
import { execSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

describe('module boundaries', () => {
  beforeAll(() => {
    // The Nx rule reads the cached project graph; build it first, as `npm test` does.
    execSync('npx nx show projects', { cwd: root, stdio: 'ignore', env: { ...process.env, NX_DAEMON: 'false' } });
  });

  // The real eslint CLI and config, on code that is never written to disk.
  const boundaryErrors = async (file: string, code: string) => {
    let output: string;
    try {
      output = execSync(`npx eslint --format json --stdin --stdin-filename ${file}`, { cwd: root, input: code, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    const [result] = JSON.parse(output) as { messages: { ruleId: string | null; message: string }[] }[];
    return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries') as { ruleId: string; message: string }[];
  };

  it('rejects an app importing another app', async () => {
    const errors = await boundaryErrors('apps/engagement/src/intruder.ts', "import { accountsService } from '../../accounts/src/accounts.service';\nexport const x = accountsService;\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it('rejects a lib importing an app', async () => {
    const errors = await boundaryErrors('libs/data/src/intruder.ts', "import { serviceDeskService } from '../../../apps/service-desk/src/service-desk.service';\nexport const x = serviceDeskService;\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it.each([
    ['an app', 'apps/credit/src/intruder.ts', '@crm/testing'],
    ['an app', 'apps/gateway/src/intruder.ts', '@crm/dev-servers'],
    ['a lib', 'libs/kernel/src/intruder.ts', '@crm/testing'],
    ['a lib', 'libs/events/src/intruder.ts', '@crm/dev-servers'],
  ])('rejects %s importing tooling in product code (%s from %s)', async (_who, file, tooling) => {
    const errors = await boundaryErrors(file, `import { repoRoot } from '${tooling}';\nexport const x = repoRoot;\n`);
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('type:lib')]);
  });

  it.each(['apps/credit/test/fine.integration.spec.ts', 'apps/credit/src/credit-profiles/fine.spec.ts', 'libs/events/test/fine-fixture.ts'])('allows a test (%s) to use the testing lib', async (file) => {
    const errors = await boundaryErrors(file, "import { freePort } from '@crm/testing';\nexport const x = freePort;\n");
    expect(errors).toEqual([]);
  });

  it('allows the testing lib to use the dev servers', async () => {
    const errors = await boundaryErrors('libs/testing/src/fine.ts', "import { resolveServers } from '@crm/dev-servers';\nexport const x = resolveServers;\n");
    expect(errors).toEqual([]);
  });

  it('allows an app importing a lib through its alias', async () => {
    const errors = await boundaryErrors('apps/engagement/src/fine.ts', "import { createService } from '@crm/kernel';\nexport const x = createService;\n");
    expect(errors).toEqual([]);
  });
});
