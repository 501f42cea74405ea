// Shared Jest settings for every project: SWC transpiles TypeScript (type checking is the typecheck target's job).
const path = require('node:path');

const libs = ['kernel', 'events', 'data', 'auth', 'testing', 'contracts'];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: Object.fromEntries(
    libs.map((lib) => [`^@crm/${lib}$`, path.join(__dirname, 'libs', lib, 'src', 'index.ts')]),
  ),
  testMatch: ['**/?(*.)+(spec|test).ts'],
  // Real servers are resolved once per run (given URLs, then Docker, then local servers).
  globalSetup: path.join(__dirname, 'libs/testing/src/jest/global-setup.ts'),
  globalTeardown: path.join(__dirname, 'libs/testing/src/jest/global-teardown.ts'),
  testTimeout: 60_000,
};
