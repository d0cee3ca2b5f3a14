import { defineConfig } from 'vitest/config';

/** Cluster tests start a private redis-server and three server processes per file: run with `npm run test:cluster`. */
export default defineConfig({
  test: {
    include: ['test/integration/cluster/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
