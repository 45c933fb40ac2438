import { defineConfig } from 'vitest/config';

// `unit` (pure logic and static checks) starts nothing; `integration` gets a PostgreSQL and a Temporal dev server;
// `chaos` kills real processes (workers, dev servers, npm start itself) and watches the platform recover.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/static/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/replay/**/*.test.ts'],
          globalSetup: ['test/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          globalSetup: ['test/globalSetup.ts'],
          testTimeout: 150_000,
          hookTimeout: 150_000,
        },
      },
    ],
  },
});
