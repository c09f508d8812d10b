import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'aws', include: ['tests/**/*.test.ts'] },
});
