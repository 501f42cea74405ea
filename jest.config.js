// `npm test` runs every project in one Jest invocation so the real servers start once.
module.exports = {
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/apps/*/jest.config.js', '<rootDir>/scripts/jest.config.js'],
  maxWorkers: 2,
  // Project-level testTimeout is ignored in a multi-project run; integration tests against real servers need more than 5 s.
  testTimeout: 60_000,
};
