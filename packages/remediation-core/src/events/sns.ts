import * as z from 'zod';
import type { Finding, IgnoredEvent, ParsedEvent } from '../model.js';
import { clip, readConfigMessage } from './config-message.js';
import { parseEventPart } from './issues.js';

const KIND = 'SNS event';

const snsRecordSchema = z.object({
  EventSource: z.literal('aws:sns'),
  Sns: z.object({
    MessageId: z.string().min(1),
    Message: z.string(),
  }),
});

const snsEventSchema = z.object({ Records: z.array(snsRecordSchema).min(1) });

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

/** JSON.parse that answers `undefined` for text that is not a JSON object. */
function parseJsonObject(text: string): object | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a Lambda SNS event whose records wrap AWS Config delivery-channel messages. Each record
 * is read on its own: several records give several findings. A message that is not a JSON object
 * (Config also publishes plain-text notices, e.g. about oversized items) is ignored.
 *
 * @throws MalformedEventError when a record or a compliance change lacks required fields.
 */
export function parseSnsEvent(event: unknown): ParsedEvent {
  const { Records } = parseEventPart(snsEventSchema, event, KIND);
  const findings: Finding[] = [];
  const ignored: IgnoredEvent[] = [];
  Records.forEach((record, index) => {
    const eventId = record.Sns.MessageId;
    const message = parseJsonObject(record.Sns.Message);
    if (message === undefined) {
      ignored.push({
        reason: `SNS message is plain text, not a Config JSON message: ${JSON.stringify(clip(record.Sns.Message.trim(), 60))}`,
        trigger: 'config-sns',
        eventId,
      });
      return;
    }
    const parsed = readConfigMessage(message, {
      trigger: 'config-sns',
      eventId,
      path: `Records.${index}.Sns.Message`,
      kind: `${KIND} (Config message in record ${index})`,
    });
    findings.push(...parsed.findings);
    ignored.push(...parsed.ignored);
  });
  return { findings, ignored };
}
