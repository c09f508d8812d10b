/**
 * What woke the publisher: the schedule (a full pass) or an Organizations call recorded by
 * CloudTrail and delivered by EventBridge in us-east-1 (incremental work).
 */
import { ACCOUNT_ID_PATTERN, MODE_TAG_KEY, safeParse } from '@sg-guard/remediation-core';
// zod/mini, not classic zod: it tree-shakes (a namespace import lets esbuild drop what is
// unused) and builds schemas cheaply. The core's `safeParse` parses with English messages.
import * as z from 'zod/mini';
import { MODE_EVENT_DETAIL_TYPES, MODE_EVENT_NAMES } from './contract.js';
import { MalformedModeEventError, UnsupportedModeEventError } from './errors.js';

/** An OU or the root. */
export interface ModeParent {
  readonly kind: 'ou' | 'root';
  readonly id: string;
}

/** The work one event asks for. */
export type ModeTrigger =
  /** The schedule: every account, plus deleting objects of accounts that left. */
  | { readonly kind: 'full' }
  /** One account's mode may have changed (tagged, untagged, moved, created, joined). */
  | { readonly kind: 'account'; readonly accountId: string; readonly eventName: string }
  /** An OU's or the root's tags changed: every account below it. */
  | { readonly kind: 'below'; readonly parent: ModeParent; readonly eventName: string }
  /** The account left the organization: its object goes. */
  | { readonly kind: 'removed'; readonly accountId: string; readonly eventName: string }
  /** Recognised, and nothing to do (a failed call, another tag key, a policy's tags…). */
  | { readonly kind: 'skip'; readonly eventName: string; readonly reason: string };

const ACCOUNT_ID = ACCOUNT_ID_PATTERN;
const accountId = z.string().check(z.regex(ACCOUNT_ID, 'expected a 12-digit account id'));

const scheduleSchema = z.looseObject({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

const cloudTrailSchema = z.looseObject({
  source: z.literal('aws.organizations'),
  'detail-type': z.enum(MODE_EVENT_DETAIL_TYPES),
  detail: z.looseObject({
    eventSource: z.literal('organizations.amazonaws.com'),
    eventName: z.string().check(z.minLength(1)),
    errorCode: z.optional(z.string()),
    requestParameters: z.optional(z.unknown()),
    responseElements: z.optional(z.unknown()),
    serviceEventDetails: z.optional(z.unknown()),
  }),
});

/** CloudTrail writes tag keys in camelCase; be lenient about the SDK's casing too. */
const tagKey = z.union([
  z.pipe(
    z.looseObject({ key: z.string() }),
    z.transform((tag: { key: string }) => tag.key),
  ),
  z.pipe(
    z.looseObject({ Key: z.string() }),
    z.transform((tag: { Key: string }) => tag.Key),
  ),
]);
const tagResourceSchema = z.looseObject({
  resourceId: z.string().check(z.minLength(1)),
  tags: z.optional(z.array(tagKey)),
});
const untagResourceSchema = z.looseObject({
  resourceId: z.string().check(z.minLength(1)),
  tagKeys: z.optional(z.array(z.string())),
});
const accountParametersSchema = z.looseObject({ accountId });
const createAccountStatusSchema = z.looseObject({
  state: z.optional(z.string()),
  accountId: z.optional(accountId),
});
const createAccountResponseSchema = z.nullish(
  z.looseObject({ createAccountStatus: z.optional(createAccountStatusSchema) }),
);
const createAccountResultSchema = z.looseObject({ createAccountStatus: createAccountStatusSchema });
const acceptHandshakeSchema = z.looseObject({
  handshake: z.looseObject({
    parties: z.array(z.looseObject({ type: z.string(), id: z.string() })),
  }),
});

type Detail = z.infer<typeof cloudTrailSchema>['detail'];

/**
 * Reads one Lambda event.
 *
 * @throws UnsupportedModeEventError for anything but the schedule and {@link MODE_EVENT_NAMES}.
 * @throws MalformedModeEventError when a handled event lacks the fields its name implies.
 * @example
 * parseModeEvent({ source: 'aws.events', 'detail-type': 'Scheduled Event', ... }); // → { kind: 'full' }
 */
export function parseModeEvent(event: unknown): ModeTrigger {
  if (safeParse(scheduleSchema, event).success) return { kind: 'full' };
  const source = (event as { source?: unknown } | null)?.source;
  if (source !== 'aws.organizations') {
    throw new UnsupportedModeEventError(
      `not a schedule or an Organizations event (source ${JSON.stringify(source ?? null)})`,
    );
  }
  const envelope = safeParse(cloudTrailSchema, event);
  if (!envelope.success) {
    throw new MalformedModeEventError(
      'not an Organizations CloudTrail event',
      issuesOf(envelope.error),
    );
  }
  const { detail } = envelope.data;
  const eventName = detail.eventName;
  if (!(MODE_EVENT_NAMES as readonly string[]).includes(eventName)) {
    throw new UnsupportedModeEventError(`Organizations event ${eventName} is not handled`);
  }
  if (detail.errorCode) {
    return { kind: 'skip', eventName, reason: `the call failed (${detail.errorCode})` };
  }
  return triggerOf(eventName as (typeof MODE_EVENT_NAMES)[number], detail);
}

function triggerOf(eventName: (typeof MODE_EVENT_NAMES)[number], detail: Detail): ModeTrigger {
  switch (eventName) {
    case 'TagResource': {
      const { resourceId, tags } = parse(eventName, tagResourceSchema, detail.requestParameters);
      if (tags && !tags.includes(MODE_TAG_KEY)) {
        return { kind: 'skip', eventName, reason: `no ${MODE_TAG_KEY} tag among the tags set` };
      }
      return resourceTrigger(eventName, resourceId);
    }
    case 'UntagResource': {
      const { resourceId, tagKeys } = parse(
        eventName,
        untagResourceSchema,
        detail.requestParameters,
      );
      if (tagKeys && !tagKeys.includes(MODE_TAG_KEY)) {
        return { kind: 'skip', eventName, reason: `no ${MODE_TAG_KEY} tag among the tags removed` };
      }
      return resourceTrigger(eventName, resourceId);
    }
    case 'MoveAccount': {
      const parameters = parse(eventName, accountParametersSchema, detail.requestParameters);
      return { kind: 'account', accountId: parameters.accountId, eventName };
    }
    case 'RemoveAccountFromOrganization': {
      const parameters = parse(eventName, accountParametersSchema, detail.requestParameters);
      return { kind: 'removed', accountId: parameters.accountId, eventName };
    }
    case 'CreateAccount':
    case 'CreateGovCloudAccount': {
      const status = parse(
        eventName,
        createAccountResponseSchema,
        detail.responseElements,
      )?.createAccountStatus;
      if (status?.state === 'SUCCEEDED' && status.accountId) {
        return { kind: 'account', accountId: status.accountId, eventName };
      }
      return {
        kind: 'skip',
        eventName,
        reason: 'account creation completes asynchronously; CreateAccountResult follows',
      };
    }
    case 'CreateAccountResult': {
      const { createAccountStatus: status } = parse(
        eventName,
        createAccountResultSchema,
        detail.serviceEventDetails,
      );
      if (status.state !== 'SUCCEEDED') {
        return {
          kind: 'skip',
          eventName,
          reason: `account creation ${status.state ?? 'did not succeed'}`,
        };
      }
      if (!status.accountId) {
        throw new MalformedModeEventError(`${eventName} SUCCEEDED without an account id`);
      }
      return { kind: 'account', accountId: status.accountId, eventName };
    }
    case 'AcceptHandshake': {
      const { handshake } = parse(eventName, acceptHandshakeSchema, detail.responseElements);
      const account = handshake.parties.find((party) => party.type === 'ACCOUNT');
      if (!account || !ACCOUNT_ID.test(account.id)) {
        throw new MalformedModeEventError(`${eventName} names no account among its parties`);
      }
      return { kind: 'account', accountId: account.id, eventName };
    }
  }
}

/** An account, OU or root named by a tag call; other taggable resources (policies) are skipped. */
function resourceTrigger(eventName: string, resourceId: string): ModeTrigger {
  if (ACCOUNT_ID.test(resourceId)) return { kind: 'account', accountId: resourceId, eventName };
  if (/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/.test(resourceId)) {
    return { kind: 'below', parent: { kind: 'ou', id: resourceId }, eventName };
  }
  if (/^r-[0-9a-z]{4,32}$/.test(resourceId)) {
    return { kind: 'below', parent: { kind: 'root', id: resourceId }, eventName };
  }
  return { kind: 'skip', eventName, reason: `${resourceId} is not an account, OU or root` };
}

function parse<T>(eventName: string, schema: z.core.$ZodType<T>, value: unknown): T {
  const result = safeParse(schema, value);
  if (!result.success) {
    throw new MalformedModeEventError(
      `${eventName} event without the expected fields`,
      issuesOf(result.error),
    );
  }
  return result.data;
}

function issuesOf(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
}
