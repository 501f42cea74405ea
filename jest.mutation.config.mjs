// Jest for `npm run mutation`: the unit specs beside the measured modules, without the global setup that starts servers.
import { existsSync } from 'node:fs';
import path from 'node:path';
import preset from './jest.preset.js';
import { measuredModules } from './stryker.config.mjs';

const root = import.meta.dirname;
const unitSpecs = measuredModules.map((file) => file.replace(/\.ts$/, '.spec.ts')).filter((spec) => existsSync(path.join(root, spec)));

export default {
  ...preset,
  globalSetup: undefined,
  globalTeardown: undefined,
  displayName: 'mutation',
  rootDir: root,
  testMatch: unitSpecs.map((spec) => `<rootDir>/${spec}`),
  // Stryker's sandboxes are copies of the tree.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
