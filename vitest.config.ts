import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Chart archives for chart tests where no folder is configured (test/setup/pull-charts.ts).
    globalSetup: ['test/setup/pull-charts.ts'],
    // The AKS support calendar makes validation depend on the date: tests judge as of this day.
    env: { SLIPWAY_TODAY: '2026-11-27' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
