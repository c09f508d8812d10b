import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'mode-publisher', include: ['tests/**/*.test.ts'] },
});
