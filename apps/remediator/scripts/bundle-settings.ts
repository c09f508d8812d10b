import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one set of esbuild settings for the remediator Lambda. The member stack's
 * `NodejsFunction`, `pnpm build` and the cold-start benchmark all use these, so what is measured
 * is what is deployed.
 */
export const REMEDIATOR_BUNDLE = {
  /** Absolute path of the handler entry. */
  entry: join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'handler.ts'),
  handlerExport: 'handler',
  platform: 'node',
  format: 'esm',
  /** Matches the Lambda runtime the member stack deploys (nodejs24.x). */
  target: 'node24',
  minify: true,
  sourcemap: false,
  /** ES module builds of the SDK tree-shake far better than the CommonJS ones (DESIGN.md). */
  mainFields: ['module', 'main'],
  /** Bundle the SDK (tree-shaken) rather than use the runtime's copy; see docs/benchmarks.md. */
  external: [] as string[],
  /** ESM bundles of CommonJS dependencies still call `require`; give them one. */
  banner:
    "import { createRequire as __sgGuardCreateRequire } from 'node:module';const require = __sgGuardCreateRequire(import.meta.url);",
} as const;

/**
 * {@link REMEDIATOR_BUNDLE} as esbuild JS API options (`pnpm build` and the benchmarks; the
 * member stack maps the same fields onto `NodejsFunction` bundling).
 */
export function remediatorBuildOptions() {
  return {
    bundle: true,
    platform: REMEDIATOR_BUNDLE.platform,
    format: REMEDIATOR_BUNDLE.format,
    target: REMEDIATOR_BUNDLE.target,
    minify: REMEDIATOR_BUNDLE.minify,
    sourcemap: REMEDIATOR_BUNDLE.sourcemap,
    mainFields: [...REMEDIATOR_BUNDLE.mainFields],
    external: [...REMEDIATOR_BUNDLE.external],
    banner: { js: REMEDIATOR_BUNDLE.banner },
  };
}
