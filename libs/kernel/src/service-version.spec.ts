import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readServiceVersion, UNKNOWN_VERSION } from './service-version';

describe('readServiceVersion', () => {
  const root = mkdtempSync(join(tmpdir(), 'service-version-'));
  mkdirSync(join(root, 'apps', 'surveys'), { recursive: true });
  writeFileSync(join(root, 'apps', 'surveys', 'package.json'), JSON.stringify({ name: '@crm/surveys', version: '1.2.3', private: true }));
  // Where a bundle runs in the image: /app/dist/apps/surveys/main.js beside /app/apps/surveys/package.json.
  const bundleDir = join(root, 'dist', 'apps', 'surveys');
  mkdirSync(bundleDir, { recursive: true });

  it.each([
    ['from the source tree', join(root, 'libs', 'kernel', 'src')],
    ['from a bundle in the image', bundleDir],
  ])('finds apps/<service>/package.json walking up %s', (_where, start) => {
    expect(readServiceVersion('surveys', start)).toBe('1.2.3');
  });

  it('says unknown for a service without a package.json', () => {
    expect(readServiceVersion('no-such-service', bundleDir)).toBe(UNKNOWN_VERSION);
  });

  it('reads every app of this repository', () => {
    for (const app of ['gateway', 'accounts', 'engagement', 'service-desk', 'surveys', 'credit']) expect(readServiceVersion(app)).toMatch(/^\d+\.\d+\.\d+/);
  });
});
