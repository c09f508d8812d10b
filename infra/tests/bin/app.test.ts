import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_PATH } from '../../lib/config.js';

const infraDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'sg-guard-bin-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the CDK app entry as `cdk synth` would, with SG_GUARD_CONFIG set. */
function runApp(configPath: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    cwd: infraDir,
    encoding: 'utf8',
    env: { ...process.env, SG_GUARD_CONFIG: configPath, CDK_OUTDIR: join(scratch, 'out') },
  });
}

describe('bin/app.ts', () => {
  it('reads the config named by SG_GUARD_CONFIG and stops on the first bad field', () => {
    const example = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8'));
    const path = join(scratch, 'bad.json');
    writeFileSync(
      path,
      JSON.stringify({ ...example, central: { ...example.central, region: 'mars' } }),
    );

    const run = runApp(path);

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(path);
    expect(run.stderr).toContain('central.region');
  });

  it('says which file it could not read', () => {
    const path = join(scratch, 'missing.json');

    const run = runApp(path);

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`cannot read the sg-guard config file ${path}`);
  });
});
