import { defineProject } from 'vitest/config';

// Synthesizing the app bundles the remediator with esbuild; give it room.
export default defineProject({
  test: {
    name: 'infra',
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
