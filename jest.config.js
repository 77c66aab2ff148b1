// One Jest config for the monorepo: tiers are projects, picked with --selectProjects.
// Workspace packages are mapped to their TypeScript sources so tests never need a build first.
require('./infra/node-runtime.cjs').assertNodeRuntime();
// MikroORM 7 is ESM only; Jest loads it through require(esm), which it supports on vm modules (Node >= 24.9).
if (!`${process.execArgv} ${process.env.NODE_OPTIONS ?? ''}`.includes('--experimental-vm-modules')) {
  throw new Error(
    'Jest needs --experimental-vm-modules here: run it through npm (npm test, npm run test:unit …) or as ' +
      '`node --experimental-vm-modules node_modules/jest/bin/jest.js …`',
  );
}

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  // A subpath (`@store/service-kit/errors`) maps to that one module, so it loads without the package's index.
  moduleNameMapper: {
    '^@store/([a-z-]+)/([a-z-]+)$': '<rootDir>/packages/$1/src/$2.ts',
    '^@store/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Per-project testTimeout is ignored by Jest 30, so the bound for the slow tiers is set here, for all.
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{packages,services}/*/src/**/*.unit.test.ts',
        '<rootDir>/load/src/**/*.unit.test.ts',
        '<rootDir>/tools/*/src/**/*.unit.test.ts',
        // Checks over every service (their anatomy): real files read, no I/O beyond that.
        '<rootDir>/test/architecture/**/*.unit.test.ts',
      ],
    },
    {
      ...shared,
      displayName: 'int',
      testMatch: [
        '<rootDir>/{packages,services}/*/test/**/*.int.test.ts',
        '<rootDir>/test/system/**/*.int.test.ts',
        '<rootDir>/test/docs/**/*.int.test.ts',
        '<rootDir>/tools/*/test/**/*.int.test.ts',
        '<rootDir>/load/test/**/*.int.test.ts',
      ],
      globalSetup: '<rootDir>/services/orders-write/test/global-setup.ts',
      globalTeardown: '<rootDir>/services/orders-write/test/global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
    },
  ],
};
