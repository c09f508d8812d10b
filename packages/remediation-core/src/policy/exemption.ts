import type { ExemptionDecision } from '../model.js';
import { sanitizeText, TEXT_LIMITS } from '../text/sanitize.js';

/** Group tag key whose value is the reason a group is exempt. */
export const EXEMPT_TAG_KEY = 'sg-guard:exempt';

/** Group tag key with the last day (`YYYY-MM-DD`, UTC) or instant (ISO 8601) of an exemption. */
export const EXEMPT_UNTIL_TAG_KEY = 'sg-guard:exempt-until';

/** Options for {@link evaluateExemption}. */
export interface ExemptionOptions {
  /** Central setting: members can tag their own groups, so exemptions are off by default. */
  readonly allowGroupExemptions: boolean;
  readonly now: Date;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Milliseconds of a UTC calendar date, or `undefined` when the date does not exist. */
function utcDate(year: number, month: number, day: number): number | undefined {
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  const exists =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return exists ? time : undefined;
}

/** Minutes east of UTC of `Z`, `+01:00` or `-0530`; `undefined` when out of range. */
function offsetMinutes(zone: string): number | undefined {
  if (zone.toUpperCase() === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(-2));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * The first instant at which an `exempt-until` value no longer exempts, or `undefined` when it
 * is not a date. A date alone lasts through that day in UTC; a time without an offset is UTC,
 * so the answer does not depend on where the code runs.
 */
function exemptionEnd(value: string): number | undefined {
  const dateOnly = DATE_ONLY.exec(value);
  if (dateOnly) {
    const [, year, month, day] = dateOnly.map(Number) as [number, number, number, number];
    const start = utcDate(year, month, day);
    return start === undefined ? undefined : start + 24 * 60 * 60 * 1000;
  }
  const dateTime = DATE_TIME.exec(value);
  if (!dateTime) return undefined;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone = 'Z'] = dateTime;
  const date = utcDate(Number(year), Number(month), Number(day));
  const offset = offsetMinutes(zone);
  if (date === undefined || offset === undefined) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const time =
    date + ((Number(hour) * 60 + Number(minute) - offset) * 60 + Number(second)) * 1000 + millis;
  // The instant written is the last exempt moment.
  return time + 1;
}

/**
 * Whether a group's tags exempt it from remediation. Exempt only when the central config allows
 * group exemptions and `sg-guard:exempt` holds a non-empty reason; `sg-guard:exempt-until` is
 * optional (absent: open-ended). An expired or unreadable `exempt-until` does not exempt, so a
 * mistyped date fails closed: the group is remediated and the notice says why.
 *
 * Both tag values are written by whoever can tag the group, so they are sanitized here, at the
 * entrance (`sanitizeText`: no control characters or bidi overrides, the reason bounded to
 * `TEXT_LIMITS.reason`, the date to `TEXT_LIMITS.until`), before they reach a notice or a record.
 *
 * @example
 * evaluateExemption(
 *   { 'sg-guard:exempt': 'bastion, CHG-1234', 'sg-guard:exempt-until': '2030-01-31' },
 *   { allowGroupExemptions: true, now: new Date() },
 * );
 * // → { exempt: true, reason: 'bastion, CHG-1234', until: '2030-01-31' }
 */
export function evaluateExemption(
  groupTags: Readonly<Record<string, string>> | undefined,
  options: ExemptionOptions,
): ExemptionDecision {
  const reasonTag = groupTags?.[EXEMPT_TAG_KEY];
  if (typeof reasonTag !== 'string') return { exempt: false, why: 'not-tagged' };
  const reason = sanitizeText(reasonTag, TEXT_LIMITS.reason);
  if (reason === '') {
    return {
      exempt: false,
      why: 'not-tagged',
      detail: `${EXEMPT_TAG_KEY} is empty; an exemption needs a reason`,
    };
  }
  if (!options.allowGroupExemptions) {
    return {
      exempt: false,
      why: 'exemptions-disabled',
      detail: `${EXEMPT_TAG_KEY} (${JSON.stringify(reason)}) is ignored: group exemptions are disabled`,
    };
  }
  const untilTag = groupTags?.[EXEMPT_UNTIL_TAG_KEY];
  if (typeof untilTag !== 'string') return { exempt: true, reason };
  const until = sanitizeText(untilTag, TEXT_LIMITS.until);
  const end = exemptionEnd(until);
  if (end === undefined) {
    return {
      exempt: false,
      why: 'invalid-until',
      detail: `${EXEMPT_UNTIL_TAG_KEY} ${JSON.stringify(until)} is not a date (YYYY-MM-DD) or ISO 8601 time`,
    };
  }
  if (options.now.getTime() >= end) {
    return { exempt: false, why: 'expired', detail: `the exemption until ${until} has expired` };
  }
  return { exempt: true, reason, until };
}
