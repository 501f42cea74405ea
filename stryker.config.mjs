// `npm run mutation`: StrykerJS over the modules listed in tsconfig.mutation.json, killed by their unit specs only
// (jest.mutation.config.mjs starts no server). Incremental: a run re-tests only mutants whose code or tests changed.
// Method, scores and the survivors judged equivalent: docs/testing/mutation-testing.md.
import path from 'node:path';
import ts from 'typescript';

const root = import.meta.dirname;
const tsconfigFile = 'tsconfig.mutation.json';
const { config, error } = ts.readConfigFile(path.join(root, tsconfigFile), ts.sys.readFile);
if (error) throw new Error(`${tsconfigFile}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);

/** Repository-relative paths of the measured modules. */
export const measuredModules = config.files;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: measuredModules,
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.mjs', enableFindRelatedTests: true },
  checkers: ['typescript'],
  tsconfigFile,
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: '.reports/mutation/stryker-incremental.json',
  plugins: ['@stryker-mutator/*', './stryker.per-file-threshold.mjs'],
  reporters: ['clear-text', 'progress', 'html', 'json', 'per-file-threshold'],
  clearTextReporter: { reportTests: false, reportMutants: true, reportScoreTable: true },
  htmlReporter: { fileName: '.reports/mutation/mutation.html' },
  jsonReporter: { fileName: '.reports/mutation/mutation.json' },
  // break: each file (stryker.per-file-threshold.mjs) as well as the total.
  thresholds: { high: 95, low: 90, break: 90 },
  // A 2-core machine shared with other work; `--concurrency N` overrides.
  concurrency: 2,
  // Sandboxes under dist/, which git, ESLint and tsc already ignore.
  tempDirName: 'dist/stryker-tmp',
  ignorePatterns: ['/.data', '/.nx', '/.reports', '/coverage', '/dist', '/docs', '/infra', '/schema'],
};
