// Shared Jest settings for every project: SWC transpiles TypeScript (type checking is the typecheck target's job).
const path = require('node:path');

// Every `@crm/<lib>` alias of tsconfig.base.json, so a new lib needs no edit here.
const { compilerOptions } = JSON.parse(require('node:fs').readFileSync(path.join(__dirname, 'tsconfig.base.json'), 'utf8'));
const aliases = Object.entries(compilerOptions.paths);

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: Object.fromEntries(
    aliases.map(([alias, [target]]) => [`^${alias}$`, path.join(__dirname, target)]),
  ),
  testMatch: ['**/?(*.)+(spec|test).ts'],
  // Real servers are resolved once per run (given URLs, then Docker, then local servers).
  globalSetup: path.join(__dirname, 'libs/testing/src/jest/global-setup.ts'),
  globalTeardown: path.join(__dirname, 'libs/testing/src/jest/global-teardown.ts'),
  setupFilesAfterEnv: [path.join(__dirname, 'libs/testing/src/jest/own-nats-per-file.ts')],
  testTimeout: 60_000,
};
