/**
 * What `pnpm --filter @sg-guard/cli pack` ships: the one bundled file (`dist/sg-guard.mjs`, every
 * workspace and npm dependency inside it) and a manifest that names no dependency, so
 * `npm install -g sg-guard-cli-<version>.tgz` needs neither the workspace nor the registry.
 *
 * pnpm re-reads `package.json` after `prepack`, so `prepack` bundles and then puts the packed
 * manifest in place (the workspace one saved in `dist/package.json.workspace`); `postpack` puts
 * the workspace manifest back. A pack that died half-way is repaired by the next one.
 *
 * Run: `tsx scripts/pack-manifest.ts write` (prepack) / `restore` (postpack).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifestFile = join(root, 'package.json');
const savedFile = join(root, 'dist', 'package.json.workspace');

interface WorkspaceManifest {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly type?: string;
  readonly files?: readonly string[];
  readonly [field: string]: unknown;
}

/** The packed manifest: identity, the bundled bin and the Node it needs; no dependencies. */
export function packedManifest(workspace: WorkspaceManifest, engines: unknown): object {
  return {
    name: workspace.name,
    version: workspace.version,
    description: workspace.description,
    type: 'module',
    bin: { 'sg-guard': './dist/sg-guard.mjs' },
    files: workspace.files ?? ['dist/sg-guard.mjs'],
    engines,
  };
}

function restore(): void {
  if (!existsSync(savedFile)) return;
  copyFileSync(savedFile, manifestFile);
  rmSync(savedFile);
}

const mode = process.argv[2];
if (mode === 'restore') {
  restore();
} else if (mode === 'write') {
  restore();
  if (!existsSync(join(root, 'dist', 'sg-guard.mjs'))) {
    throw new Error('dist/sg-guard.mjs is missing: run the bundle first (scripts/bundle.ts)');
  }
  const text = readFileSync(manifestFile, 'utf8');
  const workspace = JSON.parse(text) as WorkspaceManifest;
  const rootManifest = JSON.parse(readFileSync(join(root, '..', '..', 'package.json'), 'utf8')) as {
    engines?: unknown;
  };
  mkdirSync(dirname(savedFile), { recursive: true });
  writeFileSync(savedFile, text);
  writeFileSync(
    manifestFile,
    `${JSON.stringify(packedManifest(workspace, rootManifest.engines), null, 2)}\n`,
  );
} else {
  throw new Error('usage: tsx scripts/pack-manifest.ts write|restore');
}
