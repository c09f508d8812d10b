import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lambdaBuildOptions, lambdaBundle } from '../../../scripts/lambda-bundle.js';

/**
 * The one set of esbuild settings for the mode publisher Lambda (the shared Lambda settings of
 * `scripts/lambda-bundle.ts` with this handler): the management stack's `NodejsFunction`,
 * `pnpm build` and benchmarks use these, so what is measured is what is deployed.
 */
export const MODE_PUBLISHER_BUNDLE = lambdaBundle(
  join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'handler.ts'),
);

/** {@link MODE_PUBLISHER_BUNDLE} as esbuild JS API options. */
export function modePublisherBuildOptions() {
  return lambdaBuildOptions(MODE_PUBLISHER_BUNDLE);
}
