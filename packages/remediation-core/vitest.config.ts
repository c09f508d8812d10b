import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'remediation-core', include: ['tests/**/*.test.ts'] },
});
