/**
 * The CLI as a user installs it: `pnpm --filter @sg-guard/cli pack`, then `npm install -g` of
 * the tarball into a temporary prefix (offline: the tarball must carry everything), then
 * `sg-guard` from that prefix's PATH.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = join(CLI_DIR, 'tests', 'fixtures', 'describe-security-groups.json');

let work: string;
let tarball: string;
let prefix: string;
let workspaceManifest: string;
let packMs: number;
let installMs: number;

/** A clean environment: no AWS settings, the prefix's bin first on PATH, no NODE_OPTIONS. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { HOME: work, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` };
  return env;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sg-guard-install-'));
  prefix = join(work, 'prefix');
  workspaceManifest = await readFile(join(CLI_DIR, 'package.json'), 'utf8');
  let started = Date.now();
  await run('pnpm', ['--filter', '@sg-guard/cli', 'pack', '--pack-destination', work], {
    cwd: CLI_DIR,
  });
  packMs = Date.now() - started;
  const [name] = (await readdir(work)).filter((file) => file.endsWith('.tgz'));
  if (!name) throw new Error(`pnpm pack wrote no tarball to ${work}`);
  tarball = join(work, name);
  started = Date.now();
  await run(
    'npm',
    ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball],
    { cwd: work, env: { ...userEnv(), npm_config_cache: join(work, 'npm-cache') } },
  );
  installMs = Date.now() - started;
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed CLI', () => {
  it('ships the bundle and a manifest without dependencies, and leaves the workspace as it was', async () => {
    // Act
    const { stdout: listing } = await run('tar', ['-tzf', tarball]);
    const { stdout: packed } = await run('tar', ['-xzOf', tarball, 'package/package.json']);

    // Assess
    // pnpm adds the workspace's LICENSE (Apache-2.0) to a package that has none of its own.
    expect(listing.trim().split('\n').sort()).toEqual([
      'package/LICENSE',
      'package/dist/sg-guard.mjs',
      'package/package.json',
    ]);
    const manifest = JSON.parse(packed) as Record<string, unknown>;
    expect(manifest).not.toHaveProperty('dependencies');
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
    expect(manifest.bin).toEqual({ 'sg-guard': './dist/sg-guard.mjs' });
    expect(await readFile(join(CLI_DIR, 'package.json'), 'utf8')).toBe(workspaceManifest);
    const { size } = await stat(tarball);
    console.info(
      `packed CLI: ${name(tarball)}, ${(size / 1024).toFixed(0)} KiB, packed in ${packMs} ms; ` +
        `npm install -g took ${installMs} ms`,
    );
  });

  it('installs as `sg-guard` on PATH and prints the package version', async () => {
    // Act
    const { stdout, stderr } = await run('sg-guard', ['--version'], { env: userEnv(), cwd: work });

    // Assess
    const { version } = JSON.parse(workspaceManifest) as { version: string };
    expect(stdout.trim()).toBe(version);
    expect(stderr).toBe('');
  });

  it('explains a saved describe-security-groups file, offline, with nothing on stderr', async () => {
    // Act
    const { stdout, stderr } = await run(
      'sg-guard',
      ['explain', '--from-file', FIXTURE, '--json'],
      {
        env: userEnv(),
        cwd: work,
      },
    );

    // Assess
    const report = JSON.parse(stdout) as { groups: { groupId: string; verdict: string }[] };
    expect(report.groups.length).toBeGreaterThan(0);
    expect(report.groups.some((group) => group.verdict === 'EXPOSED')).toBe(true);
    expect(stderr).toBe('');
  });

  it('prints a usage error as a JSON error object under --json, exiting 1', async () => {
    // Act
    const failure = await run('sg-guard', ['audit', '--no-such-option', '--json'], {
      env: userEnv(),
      cwd: work,
    }).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );

    // Assess
    expect(failure?.code).toBe(1);
    expect(JSON.parse(failure?.stdout ?? '')).toEqual({
      error: {
        code: 'USAGE',
        message: "unknown option '--no-such-option'",
        hint: 'run with --help for usage',
      },
    });
  });
});

function name(file: string): string {
  return file.split('/').at(-1) ?? file;
}
