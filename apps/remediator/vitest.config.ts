import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'remediator', include: ['tests/**/*.test.ts'] },
});
