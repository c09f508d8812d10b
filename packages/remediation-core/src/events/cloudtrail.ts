import * as z from 'zod/mini';
import { MalformedEventError } from '../errors.js';
import type { Finding, ParsedEvent } from '../model.js';
import { clip } from './config-message.js';
import { actorOf, compactFinding, eventIdOf, eventTimeOf, nameOf } from './fields.js';
import { accountIdSchema, regionSchema, securityGroupIdSchema } from './identifiers.js';
import { parseEventPart } from './issues.js';

/** EventBridge `detail-type` of management events recorded by CloudTrail. */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** EC2 calls that can open a group to the internet, and so start the fast path. */
export const WATCHED_EC2_CALLS = [
  'AuthorizeSecurityGroupIngress',
  'ModifySecurityGroupRules',
  'ModifyManagedPrefixList',
] as const;

// The schemas are built on their first parse (`z.lazy`), not at module load (cold start).

const prefixListIdSchema = () =>
  z
    .string()
    .check(z.regex(/^pl-[0-9a-f]{8,17}$/, 'expected a prefix list id like pl-0123456789abcdef0'));

const KIND = 'EventBridge CloudTrail event';

const envelopeSchema = z.lazy(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    'detail-type': z.literal(CLOUDTRAIL_DETAIL_TYPE),
    source: z.literal('aws.ec2'),
    account: z.optional(accountIdSchema),
    region: z.optional(regionSchema),
    time: z.optional(z.unknown()),
    detail: z.looseObject({
      eventName: z.string().check(z.minLength(1)),
      eventID: z.optional(z.unknown()),
      errorCode: z.optional(z.string()),
    }),
  }),
);

/**
 * Fields every watched call shares. The identifiers are checked strictly (they say where to
 * act); the informational ones (time, caller) are read leniently and sanitized in
 * `fields.ts`, so a strange caller name costs the detail, never the remediation.
 */
const callSchema = () =>
  z.object({
    eventTime: z.optional(z.unknown()),
    awsRegion: z.optional(regionSchema),
    recipientAccountId: z.optional(accountIdSchema),
    userIdentity: z.optional(z.unknown()),
  });

/** The caller: `userIdentity.arn`, else `invokedBy` (a service), sanitized. */
function actorOfIdentity(identity: unknown): string | undefined {
  if (typeof identity !== 'object' || identity === null) return undefined;
  const { arn, invokedBy } = identity as { arn?: unknown; invokedBy?: unknown };
  return actorOf(arn) ?? actorOf(invokedBy);
}

const authorizeSchema = z.lazy(() =>
  z.extend(callSchema(), {
    requestParameters: z.object({
      groupId: z.optional(securityGroupIdSchema),
      groupName: z.optional(z.string()),
    }),
  }),
);

const modifySchema = z.lazy(() =>
  z.extend(callSchema(), {
    requestParameters: z.object({
      ModifySecurityGroupRulesRequest: z.object({ GroupId: securityGroupIdSchema }),
    }),
  }),
);

/** CloudTrail nests the request (`ModifyManagedPrefixListRequest`); some tools log it flat. */
const modifyPrefixListSchema = z.lazy(() =>
  z.extend(callSchema(), {
    requestParameters: z.union([
      z.object({
        ModifyManagedPrefixListRequest: z.object({ PrefixListId: prefixListIdSchema() }),
      }),
      z.object({ PrefixListId: prefixListIdSchema() }),
      z.object({ prefixListId: prefixListIdSchema() }),
    ]),
  }),
);

type CallFields = z.output<ReturnType<typeof callSchema>>;
type GroupRef =
  | { readonly groupId: string }
  | { readonly groupName: string }
  | { readonly prefixListId: string };

/** The call's common fields and the group it changed, by id or (default VPC) by name. */
function readCall(eventName: string, detail: unknown): { call: CallFields; group: GroupRef } {
  if (eventName === 'ModifyManagedPrefixList') {
    const call = parseEventPart(modifyPrefixListSchema, detail, KIND, 'detail');
    const request = call.requestParameters;
    const prefixListId =
      'ModifyManagedPrefixListRequest' in request
        ? request.ModifyManagedPrefixListRequest.PrefixListId
        : 'PrefixListId' in request
          ? request.PrefixListId
          : request.prefixListId;
    return { call, group: { prefixListId } };
  }
  if (eventName === 'ModifySecurityGroupRules') {
    const call = parseEventPart(modifySchema, detail, KIND, 'detail');
    return {
      call,
      group: { groupId: call.requestParameters.ModifySecurityGroupRulesRequest.GroupId },
    };
  }
  const call = parseEventPart(authorizeSchema, detail, KIND, 'detail');
  const { groupId } = call.requestParameters;
  const groupName = nameOf(call.requestParameters.groupName);
  if (groupId !== undefined) return { call, group: { groupId } };
  if (groupName !== undefined) return { call, group: { groupName } };
  const issues = ['detail.requestParameters: expected groupId or groupName'];
  throw new MalformedEventError(`malformed ${KIND}: ${issues[0]}`, issues);
}

/**
 * Reads an EventBridge `AWS API Call via CloudTrail` event from EC2. `AuthorizeSecurityGroupIngress`
 * and `ModifySecurityGroupRules` become a finding (a call naming the group only by `groupName`
 * gives a finding without `groupId`); `ModifyManagedPrefixList` becomes a finding with the list's
 * `prefixListId` and no group (every group that references the list is to be checked); a failed
 * call (`errorCode` set, dry runs included) and every other call are ignored.
 *
 * @throws MalformedEventError when a watched call lacks the group or has bad identifiers.
 */
export function parseCloudTrailEvent(event: unknown): ParsedEvent {
  const envelope = parseEventPart(envelopeSchema, event, KIND);
  const { eventName, errorCode } = envelope.detail;
  const eventId = eventIdOf(envelope.detail.eventID) ?? eventIdOf(envelope.id);
  const ignore = (reason: string): ParsedEvent => ({
    findings: [],
    ignored: [{ reason, trigger: 'cloudtrail', ...(eventId !== undefined && { eventId }) }],
    malformed: [],
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
  const finding: Finding = compactFinding({
    ...group,
    accountId,
    region,
    trigger: 'cloudtrail',
    actor: actorOfIdentity(call.userIdentity),
    eventTime: eventTimeOf(call.eventTime) ?? eventTimeOf(envelope.time),
    eventId,
  });
  return { findings: [finding], ignored: [], malformed: [] };
}
