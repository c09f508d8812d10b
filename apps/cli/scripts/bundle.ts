/**
 * Bundles the CLI into one file, `apps/cli/dist/sg-guard.mjs`, that runs with plain Node (no
 * tsx): `node apps/cli/dist/sg-guard.mjs audit --org`. The workspace itself needs no build;
 * `pnpm sg-guard` runs the sources.
 *
 * Run: `pnpm --filter @sg-guard/cli build`.
 */
import { statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'sg-guard.mjs');

await build({
  entryPoints: [join(root, 'src', 'bin.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // ES module builds of the SDK tree-shake far better than the CommonJS ones.
  mainFields: ['module', 'main'],
  // ESM bundles of CommonJS dependencies still call `require`; give them one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __sgGuardCreateRequire } from 'node:module';const require = __sgGuardCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const bytes = statSync(outfile).size;
console.log(`${relative(process.cwd(), outfile)}: ${(bytes / 1024).toFixed(0)} KiB`);
