/**
 * What the extrapolation needs to know about the deployment, read from the repository itself so
 * it follows the configuration: the StackSet's operation preferences (`sg-guard.config.json`,
 * validated by the infra's own loader) and the remediator's memory (the member stack's
 * `RemediatorFunction`).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../../infra/lib/config.js';

const INFRA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'infra', 'lib');

/** The deployment facts the extrapolation uses. */
export interface DeploymentFacts {
  readonly maxConcurrentPercentage: number;
  readonly failureTolerancePercentage: number;
  readonly regionConcurrency: 'parallel' | 'sequential';
  /** `STRICT_FAILURE_TOLERANCE` (CloudFormation's default) unless the rollout stack sets one. */
  readonly concurrencyMode: 'STRICT_FAILURE_TOLERANCE' | 'SOFT_FAILURE_TOLERANCE';
  readonly memoryMb: number;
  readonly architecture: string;
}

function source(path: string): string {
  return readFileSync(join(INFRA, path), 'utf8');
}

/**
 * Reads the facts; throws, naming the file, when the code no longer has the shape this reads,
 * so a change in infra cannot silently skew the figures.
 */
export function readDeploymentFacts(): DeploymentFacts {
  const config = loadConfig(DEFAULT_CONFIG_PATH);
  const rollout = source('stacks/rollout-stack.ts');
  const soft = /SOFT_FAILURE_TOLERANCE/.test(rollout);
  const member = source('stacks/member-stack.ts');
  const fn = source('constructs/remediator-function.ts');
  const memory = /memorySize:\s*props\.memorySize\s*\?\?\s*(\d+)/.exec(fn)?.[1];
  if (!memory) throw new Error('infra/lib/constructs/remediator-function.ts: memory not found');
  const shared = source('constructs/function-scaffold.ts');
  const architecture = /architecture:\s*lambda\.Architecture\.(\w+)/.exec(shared)?.[1];
  if (!architecture) {
    throw new Error('infra/lib/constructs/function-scaffold.ts: architecture not found');
  }
  if (/memorySize/.test(member)) {
    throw new Error('infra/lib/stacks/member-stack.ts sets memorySize; read it from there');
  }
  return {
    maxConcurrentPercentage: config.rollout.maxConcurrentPercentage,
    failureTolerancePercentage: config.rollout.failureTolerancePercentage,
    regionConcurrency: config.rollout.regionConcurrency,
    concurrencyMode: soft ? 'SOFT_FAILURE_TOLERANCE' : 'STRICT_FAILURE_TOLERANCE',
    memoryMb: Number(memory),
    architecture: architecture.toLowerCase().replace('_', ''),
  };
}
