import * as z from 'zod/mini';
import type { ParsedEvent, Trigger } from '../model.js';
import { sanitizeText, TEXT_LIMITS } from '../text/sanitize.js';
import { compactFinding, eventTimeOf, nameOf } from './fields.js';
import { accountIdSchema, regionSchema, securityGroupIdSchema } from './identifiers.js';
import { parseEventPart } from './issues.js';

/** The Config `messageType` that can carry a finding; every other one is ignored. */
export const COMPLIANCE_CHANGE = 'ComplianceChangeNotification';

/** The only resource type sg-guard acts on. */
export const SECURITY_GROUP_RESOURCE_TYPE = 'AWS::EC2::SecurityGroup';

const COMPLIANCE_TYPES = [
  'COMPLIANT',
  'NON_COMPLIANT',
  'NOT_APPLICABLE',
  'INSUFFICIENT_DATA',
] as const;

// Schemas are built on their first parse (`z.lazy`), not at module load: that is cold start.
const headerSchema = z.lazy(() => z.object({ messageType: z.string().check(z.minLength(1)) }));

const resourceTypeSchema = z.lazy(() =>
  z.object({ resourceType: z.string().check(z.minLength(1)) }),
);

/** A Config `ComplianceChangeNotification` about a security group (fields sg-guard reads). */
const groupComplianceChangeSchema = z.lazy(() =>
  z.object({
    resourceType: z.literal(SECURITY_GROUP_RESOURCE_TYPE),
    resourceId: securityGroupIdSchema,
    awsAccountId: accountIdSchema,
    awsRegion: regionSchema,
    configRuleName: z.string().check(z.minLength(1)),
    newEvaluationResult: z.object({ complianceType: z.enum(COMPLIANCE_TYPES) }),
    notificationCreationTime: z.optional(z.unknown()),
  }),
);

/** Where a Config message came from, for ids, error paths and the finding's trigger. */
export interface ConfigMessageContext {
  readonly trigger: Extract<Trigger, 'config-sns' | 'config-eventbridge'>;
  /** Already sanitized (see `eventIdOf`). */
  readonly eventId?: string;
  /** Path of the message inside the event, for error messages (`Records.0.Sns.Message`). */
  readonly path: string;
  /** Event kind named in error messages. */
  readonly kind: string;
  /** Used when the message has no `messageType` (EventBridge's detail-type already says it). */
  readonly impliedMessageType?: string;
}

/** Text from an event made safe to quote in an ignore reason or an error: one line, bounded. */
export function clip(text: string, max: number = TEXT_LIMITS.quote): string {
  return sanitizeText(text, max);
}

/**
 * Reads one AWS Config delivery-channel message (already parsed from JSON): a NON_COMPLIANT
 * security group becomes a finding; any other message type, resource type or compliance type
 * is ignored with a reason.
 *
 * @throws MalformedEventError when a compliance change lacks the fields sg-guard needs.
 */
export function readConfigMessage(message: unknown, context: ConfigMessageContext): ParsedEvent {
  const ignore = (reason: string): ParsedEvent => ({
    findings: [],
    ignored: [
      {
        reason,
        trigger: context.trigger,
        ...(context.eventId !== undefined && { eventId: context.eventId }),
      },
    ],
    malformed: [],
  });
  const withImplied =
    context.impliedMessageType !== undefined &&
    typeof message === 'object' &&
    message !== null &&
    !('messageType' in message)
      ? { ...message, messageType: context.impliedMessageType }
      : message;
  const { messageType } = parseEventPart(headerSchema, withImplied, context.kind, context.path);
  if (messageType !== COMPLIANCE_CHANGE) {
    return ignore(`Config ${clip(messageType)} is not a compliance change`);
  }
  const { resourceType } = parseEventPart(resourceTypeSchema, message, context.kind, context.path);
  if (resourceType !== SECURITY_GROUP_RESOURCE_TYPE) {
    return ignore(`compliance change of a ${clip(resourceType)}, not a security group`);
  }
  const change = parseEventPart(groupComplianceChangeSchema, message, context.kind, context.path);
  const compliance = change.newEvaluationResult.complianceType;
  if (compliance !== 'NON_COMPLIANT') {
    return ignore(
      `${change.resourceId} is ${compliance} with Config rule ${clip(change.configRuleName)}`,
    );
  }
  return {
    findings: [
      compactFinding({
        groupId: change.resourceId,
        accountId: change.awsAccountId,
        region: change.awsRegion,
        trigger: context.trigger,
        configRuleName: nameOf(change.configRuleName),
        eventId: context.eventId,
        eventTime: eventTimeOf(change.notificationCreationTime),
      }),
    ],
    ignored: [],
    malformed: [],
  };
}
