import { defineProject } from 'vitest/config';

/**
 * The demo's unit tests (no emulator). The whole loop against moto,
 * `tests/integration/demo.test.ts`, runs in the `integration` project (test/vitest.config.ts).
 */
export default defineProject({
  test: {
    name: 'demo',
    include: ['tests/unit/**/*.test.ts'],
    // Silence only the SDK's notice about its future Node floor, as the CLI's tests do.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
