import * as z from 'zod/mini';
import { MalformedEventError } from '../errors.js';
import type { Finding, IgnoredEvent, MalformedEventPart, ParsedEvent } from '../model.js';
import { safeParse } from '../validation.js';
import { clip, readConfigMessage } from './config-message.js';
import { eventIdOf } from './fields.js';
import { formatIssues, parseEventPart } from './issues.js';

const KIND = 'SNS event';

// Schemas are built on their first parse (`z.lazy`), not at module load: that is cold start.
const snsRecordSchema = z.lazy(() =>
  z.object({
    EventSource: z.literal('aws:sns'),
    Sns: z.object({
      MessageId: z.string().check(z.minLength(1)),
      Message: z.string(),
    }),
  }),
);

/** The envelope only: each record is read on its own, so one bad record spoils no other. */
const snsEventSchema = z.lazy(() =>
  z.object({ Records: z.array(z.unknown()).check(z.minLength(1)) }),
);

/** True when `event` is a Lambda SNS event (its first record comes from `aws:sns`). */
export function isSnsEvent(event: object): boolean {
  if (!('Records' in event) || !Array.isArray(event.Records)) return false;
  const first: unknown = event.Records[0];
  return (
    typeof first === 'object' &&
    first !== null &&
    'EventSource' in first &&
    first.EventSource === 'aws:sns'
  );
}

/** What an SNS `Message` holds, as far as sg-guard is concerned. */
type MessageBody =
  | { readonly kind: 'object'; readonly value: object }
  /** Config's own plain-text notices (e.g. about an oversized configuration item). */
  | { readonly kind: 'text' }
  /** Claims to be JSON (or is JSON) but is no object: truncated, an array, a bare value. */
  | { readonly kind: 'malformed'; readonly issue: string };

/**
 * Text that begins like a JSON object or array. Config's plain-text notices begin with
 * `[AWS Config:…]`, which no JSON array does, so they stay plain text.
 */
const LOOKS_LIKE_JSON = /^(\{|\[\s*($|[{["\d\-\]tfn]))/;

function readMessage(text: string): MessageBody {
  const trimmed = text.trim();
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return LOOKS_LIKE_JSON.test(trimmed)
      ? { kind: 'malformed', issue: 'not valid JSON (truncated?)' }
      : { kind: 'text' };
  }
  if (Array.isArray(value)) return { kind: 'malformed', issue: 'a JSON array, not an object' };
  if (typeof value !== 'object' || value === null) {
    return {
      kind: 'malformed',
      issue: `a JSON ${value === null ? 'null' : typeof value}, not an object`,
    };
  }
  return { kind: 'object', value };
}

/**
 * Reads a Lambda SNS event whose records wrap AWS Config delivery-channel messages. Each record
 * is read on its own: several records give several findings, and a record that cannot be read
 * (a truncated or array-shaped `Message`, missing fields, a bad compliance change) comes back in
 * `malformed` while the others still yield their findings. A plain-text message (Config also
 * publishes notices such as "configuration item oversized") is ignored.
 *
 * @throws MalformedEventError when the envelope is bad or no record at all can be read.
 */
export function parseSnsEvent(event: unknown): ParsedEvent {
  const { Records } = parseEventPart(snsEventSchema, event, KIND);
  const findings: Finding[] = [];
  const ignored: IgnoredEvent[] = [];
  const malformed: MalformedEventPart[] = [];
  Records.forEach((raw, index) => {
    const path = `Records.${index}`;
    const bad = (issues: readonly string[], eventId?: string) => {
      malformed.push({
        reason: `malformed ${KIND} record ${index}: ${issues.join('; ')}`,
        issues,
        trigger: 'config-sns',
        ...(eventId !== undefined && { eventId }),
      });
    };
    const checked = safeParse(snsRecordSchema, raw);
    if (!checked.success) {
      bad(formatIssues(checked.error, path));
      return;
    }
    const record = checked.data;
    const eventId = eventIdOf(record.Sns.MessageId);
    const body = readMessage(record.Sns.Message);
    if (body.kind === 'text') {
      ignored.push({
        reason: `SNS message is plain text, not a Config JSON message: ${JSON.stringify(clip(record.Sns.Message, 60))}`,
        trigger: 'config-sns',
        ...(eventId !== undefined && { eventId }),
      });
      return;
    }
    if (body.kind === 'malformed') {
      bad([`${path}.Sns.Message: ${body.issue}`], eventId);
      return;
    }
    try {
      const parsed = readConfigMessage(body.value, {
        trigger: 'config-sns',
        ...(eventId !== undefined && { eventId }),
        path: `${path}.Sns.Message`,
        kind: `${KIND} (Config message in record ${index})`,
      });
      findings.push(...parsed.findings);
      ignored.push(...parsed.ignored);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      bad(error.issues, eventId);
    }
  });
  if (findings.length === 0 && ignored.length === 0) {
    const issues = malformed.flatMap((part) => part.issues);
    throw new MalformedEventError(`malformed ${KIND}: ${issues.join('; ')}`, issues);
  }
  return { findings, ignored, malformed };
}
