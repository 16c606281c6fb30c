import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure code and mocked adapters, parallel) and
 * `integration` (adapters against a real `moto_server` on loopback, started
 * once by the global setup; files run one after another and reset moto).
 */
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summaryReporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['./test/support/setupMatchers.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['./test/support/motoGlobalSetup.ts'],
          setupFiles: ['./test/support/setupMatchers.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
