import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The repository's own CDK CLI, run on the app as an operator would from a fresh clone: no AWS
// credentials, no network, no prior `pnpm synth` (its own output directory).
const infraDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cdkBin = join(infraDir, 'node_modules', '.bin', 'cdk');
const scratch = mkdtempSync(join(tmpdir(), 'sg-guard-cdk-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The environment without anything that could lend the CLI AWS credentials. */
function credentialFreeEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
  );
  return {
    ...env,
    AWS_CONFIG_FILE: join(scratch, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

function cdk(...args: string[]) {
  return spawnSync(cdkBin, [...args, '--output', join(scratch, 'cdk.out'), '--no-notices'], {
    cwd: infraDir,
    encoding: 'utf8',
    env: credentialFreeEnv(),
    // Synthesis bundles nothing here, but the machine may be busy.
    timeout: 200_000,
  });
}

const SLOW = { timeout: 240_000 };

describe('the CDK CLI on the app, without credentials', () => {
  it('lists every stack (cdk ls)', SLOW, () => {
    const run = cdk('ls');

    expect(run.stderr).not.toContain('CannotFindAsset');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n').sort()).toEqual(
      [
        'SgGuardAssets-eu-central-1',
        'SgGuardAssets-us-east-1',
        'SgGuardCentral',
        'SgGuardModePublisher',
        'SgGuardRollout',
      ].sort(),
    );
  });

  // The rollout stack owns the member's bundled assets, which destroy does not build.
  it('gets as far as the credential check when destroying SgGuardRollout', SLOW, () => {
    const run = cdk('destroy', 'SgGuardRollout', '--force');
    const output = `${run.stdout}\n${run.stderr}`;

    expect(output).not.toContain('CannotFindAsset');
    expect(output).toContain('SgGuardRollout: destroying');
    expect(output).toContain('no credentials have been configured');
    expect(run.status).not.toBe(0);
  });
});
