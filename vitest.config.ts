import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{main,worker,preload,renderer,common,test}/**/*.test.{ts,tsx}'],
    // Real processes and real models: give them room on a shared 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Files spawn workers and load models; running them side by side on 2 cores only thrashes.
    fileParallelism: false,
    reporters: ['default'],
  },
});
