import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lambdaBundle } from '../../../scripts/lambda-bundle.js';

/**
 * The one set of esbuild settings for the remediator Lambda (the shared Lambda settings of
 * `scripts/lambda-bundle.ts` with this handler). The member stack's asset bundling,
 * `pnpm build`, the bundle's own test and the cold-start benchmark all use these (through
 * `buildLambdaBundle`), so what is tested and measured is what is deployed.
 */
export const REMEDIATOR_BUNDLE = lambdaBundle(
  join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'handler.ts'),
);
