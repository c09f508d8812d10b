/**
 * Bundles the remediator Lambda into `apps/remediator/dist/index.mjs` (handler `index.handler`)
 * with the shared {@link REMEDIATOR_BUNDLE} settings, and prints its size.
 *
 * Run: `pnpm --filter @sg-guard/remediator build`.
 */
import { statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { REMEDIATOR_BUNDLE, remediatorBuildOptions } from './bundle-settings.js';

/** Where `pnpm build` writes the bundle. */
export const REMEDIATOR_OUTFILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'dist',
  'index.mjs',
);

/**
 * Bundles the handler with esbuild's JS API; returns the output path and its size in bytes.
 *
 * @example
 * const { bytes } = await bundleRemediator();
 */
export async function bundleRemediator(
  outfile: string = REMEDIATOR_OUTFILE,
): Promise<{ readonly outfile: string; readonly bytes: number }> {
  await build({
    ...remediatorBuildOptions(),
    entryPoints: [REMEDIATOR_BUNDLE.entry],
    outfile,
    logLevel: 'warning',
  });
  return { outfile, bytes: statSync(outfile).size };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { outfile, bytes } = await bundleRemediator();
  console.log(
    `${relative(process.cwd(), outfile)}: ${(bytes / 1024).toFixed(0)} KiB (${bytes} bytes)`,
  );
}
