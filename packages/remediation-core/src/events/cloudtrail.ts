import * as z from 'zod';
import { MalformedEventError } from '../errors.js';
import type { Finding, ParsedEvent } from '../model.js';
import { clip } from './config-message.js';
import { accountIdSchema, regionSchema, securityGroupIdSchema } from './identifiers.js';
import { parseEventPart } from './issues.js';

/** EventBridge `detail-type` of management events recorded by CloudTrail. */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** EC2 calls that can open a group to the internet, and so start the fast path. */
export const WATCHED_EC2_CALLS = [
  'AuthorizeSecurityGroupIngress',
  'ModifySecurityGroupRules',
] as const;

const KIND = 'EventBridge CloudTrail event';

const envelopeSchema = z.object({
  id: z.string().min(1),
  'detail-type': z.literal(CLOUDTRAIL_DETAIL_TYPE),
  source: z.literal('aws.ec2'),
  account: accountIdSchema.optional(),
  region: regionSchema.optional(),
  time: z.string().optional(),
  detail: z.looseObject({
    eventName: z.string().min(1),
    eventID: z.string().min(1).optional(),
    errorCode: z.string().optional(),
  }),
});

/** Fields every watched call shares. */
const callSchema = z.object({
  eventID: z.string().min(1).optional(),
  eventTime: z.string().min(1).optional(),
  awsRegion: regionSchema.optional(),
  recipientAccountId: accountIdSchema.optional(),
  userIdentity: z
    .object({ arn: z.string().min(1).optional(), invokedBy: z.string().min(1).optional() })
    .optional(),
});

const authorizeSchema = callSchema.extend({
  requestParameters: z.object({
    groupId: securityGroupIdSchema.optional(),
    groupName: z.string().min(1).optional(),
  }),
});

const modifySchema = callSchema.extend({
  requestParameters: z.object({
    ModifySecurityGroupRulesRequest: z.object({ GroupId: securityGroupIdSchema }),
  }),
});

type CallFields = z.output<typeof callSchema>;
type GroupRef = { readonly groupId: string } | { readonly groupName: string };

/** The call's common fields and the group it changed, by id or (default VPC) by name. */
function readCall(eventName: string, detail: unknown): { call: CallFields; group: GroupRef } {
  if (eventName === 'ModifySecurityGroupRules') {
    const call = parseEventPart(modifySchema, detail, KIND, 'detail');
    return {
      call,
      group: { groupId: call.requestParameters.ModifySecurityGroupRulesRequest.GroupId },
    };
  }
  const call = parseEventPart(authorizeSchema, detail, KIND, 'detail');
  const { groupId, groupName } = call.requestParameters;
  if (groupId !== undefined) return { call, group: { groupId } };
  if (groupName !== undefined) return { call, group: { groupName } };
  const issues = ['detail.requestParameters: expected groupId or groupName'];
  throw new MalformedEventError(`malformed ${KIND}: ${issues[0]}`, issues);
}

/**
 * Reads an EventBridge `AWS API Call via CloudTrail` event from EC2. `AuthorizeSecurityGroupIngress`
 * and `ModifySecurityGroupRules` become a finding (a call naming the group only by `groupName`
 * gives a finding without `groupId`); a failed call (`errorCode` set, dry runs included) and
 * every other call are ignored.
 *
 * @throws MalformedEventError when a watched call lacks the group or has bad identifiers.
 */
export function parseCloudTrailEvent(event: unknown): ParsedEvent {
  const envelope = parseEventPart(envelopeSchema, event, KIND);
  const { eventName, errorCode } = envelope.detail;
  const eventId = envelope.detail.eventID ?? envelope.id;
  const ignore = (reason: string): ParsedEvent => ({
    findings: [],
    ignored: [{ reason, trigger: 'cloudtrail', eventId }],
  });
  if (!(WATCHED_EC2_CALLS as readonly string[]).includes(eventName)) {
    return ignore(`CloudTrail ${clip(eventName)} cannot open a security group`);
  }
  if (errorCode !== undefined) {
    return ignore(`CloudTrail ${eventName} failed (${clip(errorCode)}), so nothing changed`);
  }
  const { call, group } = readCall(eventName, envelope.detail);
  const accountId = call.recipientAccountId ?? envelope.account;
  const region = call.awsRegion ?? envelope.region;
  const actor = call.userIdentity?.arn ?? call.userIdentity?.invokedBy;
  const eventTime = call.eventTime ?? envelope.time;
  const finding: Finding = {
    ...group,
    ...(accountId !== undefined && { accountId }),
    ...(region !== undefined && { region }),
    trigger: 'cloudtrail',
    ...(actor !== undefined && { actor }),
    ...(eventTime !== undefined && { eventTime }),
    eventId,
  };
  return { findings: [finding], ignored: [] };
}
