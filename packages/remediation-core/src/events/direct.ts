import * as z from 'zod/mini';
import type { ParsedEvent } from '../model.js';
import { accountIdSchema, regionSchema, securityGroupIdSchema } from './identifiers.js';
import { parseEventPart } from './issues.js';

// Schemas are built on their first parse (`z.lazy`), not at module load: that is cold start.
/** A direct invocation: `{ "groupId": "sg-…" }`, optionally with `accountId` and `region`. */
const directSchema = z.lazy(() =>
  z.strictObject({
    groupId: securityGroupIdSchema,
    accountId: z.optional(accountIdSchema),
    region: z.optional(regionSchema),
  }),
);

/** True when `event` looks like a direct invocation (it has a `groupId` at the top level). */
export function isDirectInvocation(event: object): boolean {
  return 'groupId' in event;
}

/**
 * Reads a direct invocation. Unknown keys are rejected: an operator typing `groupid` or
 * `acountId` learns it at once instead of remediating in the wrong place.
 *
 * @throws MalformedEventError when the group id, account id or region is invalid.
 */
export function parseDirectInvocation(event: unknown): ParsedEvent {
  const direct = parseEventPart(directSchema, event, 'direct invocation');
  return { findings: [{ ...direct, trigger: 'direct' }], ignored: [], malformed: [] };
}
