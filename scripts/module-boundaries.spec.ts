// The architecture's boundary: an app never imports another app, a lib never imports an app (eslint + Nx tags).
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
    const [result] = JSON.parse(output) as { messages: { ruleId: string | null }[] }[];
    return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries');
  };

  it('rejects an app importing another app', async () => {
    const errors = await boundaryErrors('apps/engagement/src/intruder.ts', "import { accountsService } from '../../accounts/src/accounts.service';\nexport const x = accountsService;\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it('rejects a lib importing an app', async () => {
    const errors = await boundaryErrors('libs/data/src/intruder.ts', "import { serviceDeskService } from '../../../apps/service-desk/src/service-desk.service';\nexport const x = serviceDeskService;\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it('allows an app importing a lib through its alias', async () => {
    const errors = await boundaryErrors('apps/engagement/src/fine.ts', "import { createService } from '@crm/kernel';\nexport const x = createService;\n");
    expect(errors).toEqual([]);
  });
});
