import { defineConfig } from 'vitest/config';

// Three projects: unit (fakes only, fast), integration (the real Docker engine), e2e (headless Chromium).
// `npm test` runs them all; the setup step before it makes sure the engine, images and browser exist.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 10_000, sequence: { groupOrder: 0 } } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // Files run one at a time: two files may start the same lab (same name, same subnet). Within a
          // file, labs with distinct subnets run concurrently (describe.concurrent).
          fileParallelism: false,
          maxConcurrency: 5,
          // Projects in different groups run one after another: the e2e tests start basic-vip too.
          sequence: { groupOrder: 1 },
        },
      },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 300_000, fileParallelism: false, sequence: { groupOrder: 2 } } },
    ],
  },
});
