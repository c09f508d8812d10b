import * as z from 'zod/mini';
import type { ParsedEvent } from '../model.js';
import { COMPLIANCE_CHANGE, readConfigMessage } from './config-message.js';
import { eventIdOf } from './fields.js';
import { parseEventPart } from './issues.js';

/** EventBridge `detail-type` of AWS Config rule compliance changes. */
export const CONFIG_COMPLIANCE_DETAIL_TYPE = 'Config Rules Compliance Change';

const KIND = 'EventBridge Config Rules Compliance Change event';

// Schemas are built on their first parse (`z.lazy`), not at module load: that is cold start.
const envelopeSchema = z.lazy(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    'detail-type': z.literal(CONFIG_COMPLIANCE_DETAIL_TYPE),
    source: z.literal('aws.config'),
    detail: z.looseObject({}),
  }),
);

const withEventId = (eventId: string | undefined) => (eventId === undefined ? {} : { eventId });

/**
 * Reads an EventBridge `Config Rules Compliance Change` event: the same rules as a Config SNS
 * message (`detail` is the compliance change), with the EventBridge `id` as event id.
 *
 * @throws MalformedEventError when the envelope or the compliance change lacks required fields.
 */
export function parseConfigComplianceEvent(event: unknown): ParsedEvent {
  const envelope = parseEventPart(envelopeSchema, event, KIND);
  return readConfigMessage(envelope.detail, {
    trigger: 'config-eventbridge',
    ...withEventId(eventIdOf(envelope.id)),
    path: 'detail',
    kind: KIND,
    impliedMessageType: COMPLIANCE_CHANGE,
  });
}
