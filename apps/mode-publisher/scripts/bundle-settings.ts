import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lambdaBundle } from '../../../scripts/lambda-bundle.js';

/**
 * The one set of esbuild settings for the mode publisher Lambda (the shared Lambda settings of
 * `scripts/lambda-bundle.ts` with this handler): the management stack's asset bundling and the
 * integration test of the bundle use these (through `buildLambdaBundle`), so what is tested is
 * what is deployed.
 */
export const MODE_PUBLISHER_BUNDLE = lambdaBundle(
  join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'handler.ts'),
);
