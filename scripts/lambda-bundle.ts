import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { sdkSchemaKeysPlugin } from './sdk-schema-keys.js';

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
    /**
     * ES module chunks: what a handler imports with `import()` (the remediator's adapters other
     * than EC2's, the SDK's optional credential providers) is a file of its own that is read
     * only when first used, instead of parsed at every cold start.
     */
    splitting: true,
    /** The entry is `index.mjs` (handler `index.handler`); chunks sit beside it. */
    entryName: 'index',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: '.mjs',
    /**
     * Write the SDK schemas' computed keys as literals, so esbuild keeps only the shapes the
     * bundled commands use (`sdk-schema-keys.ts`: 548 kB of EC2 schemas read at every cold start
     * otherwise). The benchmarks turn it off once to measure the SDK as esbuild bundles it.
     */
    literalSchemaKeys: true as boolean,
  } as const;
}

/** A Lambda's bundle settings, as {@link lambdaBundle} returns them. */
export type LambdaBundle = ReturnType<typeof lambdaBundle>;

/**
 * A {@link LambdaBundle} as esbuild JS API options (without the entry point and the output
 * folder, which the caller adds).
 *
 * @example
 * await build({ ...lambdaBuildOptions(REMEDIATOR_BUNDLE), entryPoints: { index: entry }, outdir });
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
    splitting: bundle.splitting,
    chunkNames: bundle.chunkNames,
    outExtension: { '.js': bundle.outExtension },
  };
}

/** What {@link buildLambdaBundle} wrote. */
export interface BuiltBundle {
  /** The entry module (`<outdir>/index.mjs`). */
  readonly entryFile: string;
  /** The entry and the chunks it imports statically, transitively: what every cold start reads. */
  readonly loadFiles: readonly string[];
  /** Their bytes. */
  readonly loadBytes: number;
  /** Bytes of every file written (the deployment package, unzipped). */
  readonly totalBytes: number;
}

/**
 * Bundles `entry` (default: the bundle's own) into `outdir`, emptied first, and returns when it
 * is written (the build itself runs in a child process, see {@link buildInChild}): the stacks'
 * asset bundling (which must be synchronous), `pnpm build`, the tests of the bundle and the
 * benchmarks all call this, so what is tested and measured is what is deployed.
 *
 * @example
 * const { entryFile } = buildLambdaBundle(REMEDIATOR_BUNDLE, 'apps/remediator/dist');
 */
export function buildLambdaBundle(
  bundle: LambdaBundle,
  outdir: string,
  entry: string = bundle.entry,
): BuiltBundle {
  rmSync(outdir, { recursive: true, force: true });
  const metafile = buildInChild({ bundle, outdir, entry });
  const entryFile = join(outdir, `${bundle.entryName}${bundle.outExtension}`);
  // No banner defines `require` for the chunks (each would pay for a createRequire at every cold
  // start); a CommonJS dependency that needs one would fail at run time, so it fails here.
  const dynamicRequire = Object.keys(metafile.outputs).find((key) =>
    readFileSync(key, 'utf8').includes('Dynamic require of "'),
  );
  if (dynamicRequire !== undefined) {
    throw new Error(
      `${dynamicRequire}: a CommonJS dependency calls require(), which an ES module chunk does not have; bundle its ES module build (mainFields) or give the chunks a require`,
    );
  }
  const outputs = metafile.outputs;
  // The metafile's paths are relative to the working directory.
  const pathOf = (file: string) =>
    Object.keys(outputs).find((key) => resolve(key) === resolve(file));
  // The entry's static imports, transitively: the chunks every cold start reads.
  const loaded = new Set<string>();
  const visit = (key: string | undefined) => {
    if (key === undefined || loaded.has(key)) return;
    loaded.add(key);
    for (const imported of outputs[key]?.imports ?? []) {
      if (imported.kind === 'import-statement') visit(pathOf(imported.path));
    }
  };
  visit(pathOf(entryFile));
  const loadBytes = [...loaded].reduce((sum, key) => sum + (outputs[key]?.bytes ?? 0), 0);
  return {
    entryFile,
    loadFiles: [...loaded].map((key) => resolve(key)),
    loadBytes,
    totalBytes: directoryBytes(outdir),
  };
}

function directoryBytes(directory: string): number {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

/** What the child build of {@link buildInChild} is given on its standard input. */
interface BuildRequest {
  readonly bundle: LambdaBundle;
  readonly outdir: string;
  readonly entry: string;
}

/**
 * Runs {@link runBuild} in a child Node process and waits for it. esbuild runs plugins only with
 * its asynchronous API, and CDK's local bundling (`tryBundle`) is synchronous; this module is the
 * child's main module (TypeScript, through tsx, as every script here runs).
 */
function buildInChild(request: BuildRequest): Metafile {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const output = execFileSync(
    process.execPath,
    ['--import', pathToFileURL(tsx).href, fileURLToPath(import.meta.url)],
    // esbuild's warnings and errors go straight to this process's stderr.
    {
      input: JSON.stringify(request),
      maxBuffer: 512 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(output.toString('utf8')) as Metafile;
}

/** One build with the bundle's settings and plugins; its metafile. */
async function runBuild({ bundle, outdir, entry }: BuildRequest): Promise<Metafile> {
  const result = await build({
    ...lambdaBuildOptions(bundle),
    entryPoints: { [bundle.entryName]: entry },
    outdir,
    metafile: true,
    logLevel: 'warning',
    plugins: bundle.literalSchemaKeys ? [sdkSchemaKeysPlugin()] : [],
  });
  return result.metafile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const request = JSON.parse(await text(process.stdin)) as BuildRequest;
  process.stdout.write(JSON.stringify(await runBuild(request)));
}
