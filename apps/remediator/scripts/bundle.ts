/**
 * Bundles the remediator Lambda into `apps/remediator/dist/` (entry `index.mjs`, handler
 * `index.handler`, chunks in `chunks/`) with the shared {@link REMEDIATOR_BUNDLE} settings, and
 * prints its size.
 *
 * Run: `pnpm --filter @sg-guard/remediator build`.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuiltBundle, buildLambdaBundle } from '../../../scripts/lambda-bundle.js';
import { REMEDIATOR_BUNDLE } from './bundle-settings.js';

/** Where `pnpm build` writes the bundle. */
export const REMEDIATOR_OUTDIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

/**
 * Bundles the handler exactly as the member stack does.
 *
 * @example
 * const { entryFile, loadBytes } = bundleRemediator();
 */
export function bundleRemediator(outdir: string = REMEDIATOR_OUTDIR): BuiltBundle {
  return buildLambdaBundle(REMEDIATOR_BUNDLE, outdir);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { entryFile, loadBytes, totalBytes } = bundleRemediator();
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(
    `${relative(process.cwd(), entryFile)}: ${kib(loadBytes)} read at cold start, ${kib(totalBytes)} in all`,
  );
}
