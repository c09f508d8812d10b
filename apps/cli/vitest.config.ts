import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['tests/**/*.test.ts'],
    // The SDK warns once per process that its 2027 releases will need Node 22 (the Lambdas run
    // Node 24; the CLI still supports Node 20). That notice is not a test result: silence only
    // it, with the SDK's own switch, as the CLI entry (src/bin.ts) does.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
