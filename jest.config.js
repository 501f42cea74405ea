// `npm test` runs every project in one Jest invocation so the real servers start once.
module.exports = {
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/apps/*/jest.config.js', '<rootDir>/scripts/jest.config.js'],
  maxWorkers: 2,
};
