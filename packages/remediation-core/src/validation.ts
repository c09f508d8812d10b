/**
 * zod's English issue messages for the core. The Lambdas bundle `zod/mini`, which (unlike
 * classic zod) loads no locale, so without one every default issue reads just "Invalid input".
 * Those messages reach `MalformedEventError` issues, record issues, settings errors and logs.
 * A side-effect import (`import './validation.js'`) would not do: the package is
 * `sideEffects: false`, so a bundler drops it. Hence a binding to use: every parse of
 * the core and the Lambdas goes through {@link safeParse}.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/** Loads zod's English messages unless a locale is already chosen, as classic zod does. */
function useEnglishMessages(): void {
  if (!z.config().localeError) z.config(en());
}

useEnglishMessages();

/**
 * `z.safeParse` (any zod schema, mini or classic) with zod's English messages loaded.
 *
 * @example
 * const result = safeParse(regionSchema, 'eu-west-1'); // → { success: true, data: 'eu-west-1' }
 */
export const safeParse: typeof z.safeParse = z.safeParse;
