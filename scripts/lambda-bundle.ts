/**
 * The esbuild settings every sg-guard Lambda is bundled with (the remediator's and the mode
 * publisher's `scripts/bundle-settings.ts` name their entry and take the rest from here). The
 * stacks' `NodejsFunction`s, `pnpm build` and the benchmarks all use them, so what is measured
 * is what is deployed.
 */

/**
 * One Lambda's bundle: its handler entry and the shared esbuild settings.
 *
 * @example
 * export const REMEDIATOR_BUNDLE = lambdaBundle(join(here, '..', 'src', 'handler.ts'));
 */
export function lambdaBundle(entry: string) {
  return {
    /** Absolute path of the handler entry. */
    entry,
    handlerExport: 'handler',
    platform: 'node',
    format: 'esm',
    /** Matches the Lambda runtime the stacks deploy (nodejs24.x). */
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
}

/** A Lambda's bundle settings, as {@link lambdaBundle} returns them. */
export type LambdaBundle = ReturnType<typeof lambdaBundle>;

/**
 * A {@link LambdaBundle} as esbuild JS API options (without the entry point and the output,
 * which the caller adds); the stacks map the same fields onto `NodejsFunction` bundling.
 *
 * @example
 * await build({ ...lambdaBuildOptions(REMEDIATOR_BUNDLE), entryPoints: [REMEDIATOR_BUNDLE.entry], outfile });
 */
export function lambdaBuildOptions(bundle: LambdaBundle) {
  return {
    bundle: true,
    platform: bundle.platform,
    format: bundle.format,
    target: bundle.target,
    minify: bundle.minify,
    sourcemap: bundle.sourcemap,
    mainFields: [...bundle.mainFields],
    external: [...bundle.external],
    banner: { js: bundle.banner },
  };
}
