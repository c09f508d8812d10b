/**
 * The entrance for text an event carries: every string a parser takes from an event for a
 * finding (actor, event id and time, Config rule name, group name) passes through here, so no
 * control character, bidi override or oversized value reaches a log line, a mail or a record.
 * Informational fields of the wrong type or shape are dropped, not fatal: the group still gets
 * remediated, only the detail is lost.
 */
import * as z from 'zod/mini';
import type { Finding } from '../model.js';
import { sanitizeOptional, TEXT_LIMITS } from '../text/sanitize.js';
import { safeParse } from '../validation.js';

/** The record's own format for event times, so a finding never makes an invalid record. */
const isoTimeSchema = z.iso.datetime({ offset: true });

/** An event time: kept only when it is an ISO 8601 date-time (with `Z` or an offset). */
export function eventTimeOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const time = value.trim();
  return safeParse(isoTimeSchema, time).success ? time : undefined;
}

/** An event id (SNS `MessageId`, EventBridge `id`, CloudTrail `eventID`), sanitized. */
export const eventIdOf = (value: unknown): string | undefined =>
  sanitizeOptional(value, TEXT_LIMITS.eventId);

/** Who made the change (an ARN or a service principal), sanitized. */
export const actorOf = (value: unknown): string | undefined =>
  sanitizeOptional(value, TEXT_LIMITS.arn);

/** A name from an event (Config rule, security group), sanitized. */
export const nameOf = (value: unknown): string | undefined =>
  sanitizeOptional(value, TEXT_LIMITS.name);

/** `finding` without the keys whose value is `undefined` (findings never hold `undefined`). */
export function compactFinding(finding: { [K in keyof Finding]: Finding[K] | undefined }): Finding {
  return Object.fromEntries(
    Object.entries(finding).filter(([, value]) => value !== undefined),
  ) as unknown as Finding;
}
