import { defineConfig } from 'vitest/config';

// `unit` (pure logic, static checks, replay of recorded histories) starts nothing; `integration` gets a PostgreSQL
// and a Temporal dev server; `chaos` too, and kills real processes (workers, dev servers, npm start itself) and servers
// of its own, and watches the platform recover.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/static/**/*.test.ts', 'test/replay/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          // After the other projects, one file at a time: its timings must not compete with the rest for 2 cores.
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          globalSetup: ['test/globalSetup.ts'],
          testTimeout: 150_000,
          hookTimeout: 150_000,
        },
      },
    ],
  },
});
