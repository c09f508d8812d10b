/**
 * Text that came from outside (event fields, tag values) is made safe before it reaches a
 * subject, a mail line, a log attribute or a record: no control characters that could start a
 * new line or hide text, no bidi overrides that reorder what a reader sees, bounded length.
 */

/** Length limits of sanitized text, in UTF-16 code units (the ellipsis included). */
export const TEXT_LIMITS = {
  /** ARNs (a CloudTrail actor). */
  arn: 256,
  /** Names: Config rule, security group. */
  name: 256,
  /** Event ids (EventBridge `id`, SNS `MessageId`, CloudTrail `eventID`). */
  eventId: 256,
  /** Free text a person wrote: the exemption reason. */
  reason: 512,
  /** A date or time written in a tag (`sg-guard:exempt-until`). */
  until: 64,
  /** Event text quoted in an ignore reason or an error (log lines only). */
  quote: 80,
} as const;

/** The character that marks text cut short. */
export const ELLIPSIS = '…';

/**
 * C0 and C1 controls (CR, LF and TAB among them), DEL, and the Unicode line and paragraph
 * separators: each could break a line of a mail or a log, so each becomes a space.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u0085]/g;

/**
 * Invisible formatting: bidi embeddings, overrides and isolates (which can make text read in
 * another order than it is stored), marks, zero-width characters and the byte-order mark.
 */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Any run of whitespace (including no-break and ideographic spaces). */
const WHITESPACE = /\s+/g;

/**
 * `value` as one safe line: control characters and line/paragraph separators become spaces,
 * bidi overrides and zero-width characters are removed, runs of whitespace collapse to one
 * space, the ends are trimmed, and text longer than `maxLength` is cut to `maxLength` with a
 * trailing ellipsis (never in the middle of a surrogate pair).
 *
 * @example
 * sanitizeText('alice\r\nHow to undo: …', 256) // → 'alice How to undo: …'
 * sanitizeText('x'.repeat(300), 10) // → 'xxxxxxxxx…'
 */
export function sanitizeText(value: string, maxLength: number): string {
  const limit = Math.max(1, Math.floor(maxLength));
  // Bound the work on huge input: collapsing only shortens text, so a prefix a few times the
  // limit is enough to fill it.
  const bound = limit * 4 + 64;
  const head = value.length > bound ? value.slice(0, bound) : value;
  const clean = head
    .replace(INVISIBLE, '')
    .replace(LINE_BREAKING, ' ')
    .replace(WHITESPACE, ' ')
    .trim();
  const cutBefore = head.length < value.length;
  if (clean.length <= limit && !cutBefore) return clean;
  return cut(clean, limit);
}

/** `text` cut to at most `limit` units, ellipsis included, never leaving a lone high surrogate. */
function cut(text: string, limit: number): string {
  let end = Math.min(text.length, limit - ELLIPSIS.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, Math.max(0, end)).trimEnd()}${ELLIPSIS}`;
}

/**
 * {@link sanitizeText} for an optional value: `undefined` when absent, not a string, or empty
 * once cleaned (a field made only of control characters carries nothing).
 */
export function sanitizeOptional(value: unknown, maxLength: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const clean = sanitizeText(value, maxLength);
  return clean === '' ? undefined : clean;
}
