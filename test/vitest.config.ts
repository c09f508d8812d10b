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
    // The demo's whole loop lives with its app but needs the emulator, so it runs here.
    include: ['integration/**/*.test.ts', '../apps/demo/tests/integration/**/*.test.ts'],
    globalSetup: ['support/global-setup.ts'],
    fileParallelism: false,
    // The tools run on Node 20 here; the Lambda runs Node 24. Only the SDK's notice about its
    // future Node floor is silenced, with the SDK's own switch.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    sequence: { groupOrder: 1 },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
