import type * as z from 'zod/mini';
import { MalformedEventError } from '../errors.js';
import { safeParse } from '../validation.js';

/**
 * Zod issues as `path: message` lines, with `prefix` naming where the checked value sits in
 * the event (e.g. `Records.0.Sns.Message`). Values are never quoted, so nothing from the event
 * leaks into logs through an error message.
 */
export function formatIssues(error: z.core.$ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    return `${path || '(root)'}: ${issue.message}`;
  });
}

/**
 * Parses `value` with `schema` or throws a {@link MalformedEventError} naming the event kind and
 * listing every issue.
 */
export function parseEventPart<T extends z.core.$ZodType>(
  schema: T,
  value: unknown,
  kind: string,
  prefix = '',
): z.output<T> {
  const result = safeParse(schema, value);
  if (result.success) return result.data;
  const issues = formatIssues(result.error, prefix);
  throw new MalformedEventError(`malformed ${kind}: ${issues.join('; ')}`, issues, {
    cause: result.error,
  });
}
