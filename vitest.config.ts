import { defineConfig } from 'vitest/config';

// Three projects so CI can run the fast ones first and the browser ones last.
export default defineConfig({
  test: {
    projects: [
      // two workers on a 2-core machine: vitest's default leaves one core for itself, and the unit
      // project then used 63 % of the machine (98 s; 78 s with two, 2026-12-07)
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', setupFiles: ['test/setup/fast-check.ts'], maxWorkers: 2 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // two files at a time on CI's two cores: 117–124 s instead of 194 s (2026-12-07). Its one
          // failure so far, an alarm lost in the NATS cluster's failover, was nats-server 2.9's own
          // (the test now tells a broker's loss from the wall's: docs/architecture.md)
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // one file at a time: two at once on the 2-core VM (2026-12-06) took 905 s instead of
          // ~1,065 s but failed 5 tests (pages and players starved past their waits)
          fileParallelism: false,
          // the files share one module cache (playwright-core, the services' code): each file's
          // own import took ~1.2 s of the run's 33 s of imports (2026-12-08). The test files keep
          // their state in their own modules; the helpers keep nothing a file depends on
          isolate: false,
        },
      },
    ],
  },
});
