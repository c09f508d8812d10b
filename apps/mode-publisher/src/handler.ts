/**
 * The Lambda entry. Placeholder until the publisher lands: it fails every invocation loudly
 * (so a premature deployment is visible), but bundles like the real one.
 */
import { MODE_PUBLISHER_ENV } from './contract.js';

export const handler = async (_event: unknown): Promise<never> => {
  throw new Error(
    `mode publisher not implemented yet (bucket ${process.env[MODE_PUBLISHER_ENV.modeBucket] ?? 'unset'})`,
  );
};
