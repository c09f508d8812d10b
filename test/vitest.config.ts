import { defineProject } from 'vitest/config';

/**
 * Integration tests against one real `moto_server` per run (started in `support/global-setup.ts`).
 * Every test resets that server and builds its own estate, so two files must never run at the
 * same time: files run one after another, in their own group after the other projects (a
 * project with one worker may not share a group with projects that use more).
 */
export default defineProject({
  test: {
    name: 'integration',
    include: ['integration/**/*.test.ts'],
    globalSetup: ['support/global-setup.ts'],
    fileParallelism: false,
    sequence: { groupOrder: 1 },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
