import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one set of esbuild settings for the mode publisher Lambda (same shape as the remediator's
 * `REMEDIATOR_BUNDLE`): the management stack's `NodejsFunction`, `pnpm build` and benchmarks use
 * these, so what is measured is what is deployed.
 */
export const MODE_PUBLISHER_BUNDLE = {
  /** Absolute path of the handler entry. */
  entry: join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'handler.ts'),
  handlerExport: 'handler',
  platform: 'node',
  format: 'esm',
  /** Matches the Lambda runtime the stack deploys (nodejs24.x). */
  target: 'node24',
  minify: true,
  sourcemap: false,
  /** ES module builds of the SDK tree-shake far better than the CommonJS ones (DESIGN.md). */
  mainFields: ['module', 'main'],
  /** Bundle the SDK (tree-shaken) rather than use the runtime's copy. */
  external: [] as string[],
  /** ESM bundles of CommonJS dependencies still call `require`; give them one. */
  banner:
    "import { createRequire as __sgGuardCreateRequire } from 'node:module';const require = __sgGuardCreateRequire(import.meta.url);",
} as const;

/** {@link MODE_PUBLISHER_BUNDLE} as esbuild JS API options. */
export function modePublisherBuildOptions() {
  return {
    bundle: true,
    platform: MODE_PUBLISHER_BUNDLE.platform,
    format: MODE_PUBLISHER_BUNDLE.format,
    target: MODE_PUBLISHER_BUNDLE.target,
    minify: MODE_PUBLISHER_BUNDLE.minify,
    sourcemap: MODE_PUBLISHER_BUNDLE.sourcemap,
    mainFields: [...MODE_PUBLISHER_BUNDLE.mainFields],
    external: [...MODE_PUBLISHER_BUNDLE.external],
    banner: { js: MODE_PUBLISHER_BUNDLE.banner },
  };
}
