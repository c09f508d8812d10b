// Runs cfn-lint over every synthesized template in infra/cdk.out, the StackSet member template
// included. Fails when cfn-lint is missing, when there is nothing to lint, and on any error or
// warning that is not ignored below with a reason.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listTemplates } from './cloud-assembly.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// W3005 "dependency already enforced by a GetAtt": CDK adds an explicit DependsOn from each
// Lambda function to its role (and the role's policy) on purpose, so that the function is not
// created before its permissions exist. Redundant for the role, harmless, not a defect.
const IGNORED_CHECKS = ['W3005'];

function findCfnLint() {
  const onPath = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (onPath.status === 0) return 'cfn-lint';
  const inVenv = join(repoRoot, '.venv', 'bin', 'cfn-lint');
  if (existsSync(inVenv)) return inVenv;
  return undefined;
}

const cfnLint = findCfnLint();
if (!cfnLint) {
  console.error(
    'cfn-lint: not found on PATH nor in .venv/bin. Install it with `pip install cfn-lint` or run `bash scripts/ensure-python-tools.sh`.',
  );
  process.exit(1);
}
const templates = listTemplates();
if (templates.length === 0) {
  console.error('cfn-lint: no templates in infra/cdk.out; run `pnpm synth` first.');
  process.exit(1);
}

const version = spawnSync(cfnLint, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(`${version}: linting ${templates.length} templates`);
const run = spawnSync(
  cfnLint,
  ['--ignore-checks', ...IGNORED_CHECKS, '--', ...templates.map((t) => t.path)],
  { stdio: 'inherit' },
);
if (run.error) {
  console.error(`cfn-lint: could not run ${cfnLint}: ${run.error.message}`);
  process.exit(1);
}
// cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational (1 = it failed).
const status = run.status ?? 1;
if ((status & (1 | 2 | 4)) !== 0) {
  console.error(`cfn-lint: findings above (exit code ${status})`);
  process.exit(1);
}
console.log(`cfn-lint: ${templates.length} templates, no errors or warnings`);
