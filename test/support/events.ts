/**
 * Real-shaped events for the remediator, aimed at groups created in the emulator. The two Config
 * events are the shared fixtures (copied to `fixtures/`) with their ids rewritten; the CloudTrail
 * events follow what EventBridge delivers for EC2 management calls.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Which group an event is about, and where it lives. */
export interface EventTarget {
  readonly groupId: string;
  readonly accountId: string;
  readonly region: string;
}

/** The identity CloudTrail records for the caller of the EC2 API in a test. */
export const actorArn = (accountId: string): string =>
  `arn:aws:sts::${accountId}:assumed-role/Admin/alice@example.com`;

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

/** Replaces every occurrence of each key of `replacements` in the JSON text of `value`. */
function rewrite<T>(value: T, replacements: Readonly<Record<string, string>>): T {
  let text = JSON.stringify(value);
  for (const [from, to] of Object.entries(replacements)) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}

/**
 * The SNS fixture (`config-sns-compliance-change.json`: a Lambda SNS event wrapping Config's
 * `ComplianceChangeNotification`) about `target`. The Config message stays a JSON string inside
 * `Records[0].Sns.Message`, as SNS delivers it.
 */
export function configSnsEvent(target: EventTarget): Record<string, unknown> {
  return rewrite(fixture('config-sns-compliance-change.json'), {
    'sg-0b5a36fcc1234abcd': target.groupId,
    '123456789012': target.accountId,
    'ap-northeast-1': target.region,
  });
}

/** The EventBridge `Config Rules Compliance Change` fixture about `target`. */
export function configEventBridgeEvent(target: EventTarget): Record<string, unknown> {
  return rewrite(fixture('eventbridge-config-compliance-change.json'), {
    'sg-0123456789abcdef0': target.groupId,
    '123456789012': target.accountId,
    'eu-west-1': target.region,
  });
}

/** An IPv4 world permission as CloudTrail records it in `requestParameters.ipPermissions`. */
function recordedPermission(fromPort: number, toPort: number, cidr: string) {
  return {
    ipProtocol: 'tcp',
    fromPort,
    toPort,
    groups: {},
    ipRanges: { items: [{ cidrIp: cidr }] },
    ipv6Ranges: {},
    prefixListIds: {},
  };
}

function cloudTrailEvent(
  where: { readonly accountId: string; readonly region: string },
  eventName: string,
  requestParameters: Record<string, unknown>,
  responseElements: Record<string, unknown>,
  errorCode?: string,
): Record<string, unknown> {
  const eventId = randomUUID();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: where.accountId,
    time: '2026-11-27T10:00:00Z',
    region: where.region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLEID:alice@example.com',
        arn: actorArn(where.accountId),
        accountId: where.accountId,
        sessionContext: { sessionIssuer: { type: 'Role', userName: 'Admin' } },
      },
      eventTime: '2026-11-27T10:00:00Z',
      eventSource: 'ec2.amazonaws.com',
      eventName,
      awsRegion: where.region,
      sourceIPAddress: '198.51.100.10',
      userAgent: 'aws-cli/2.17.0',
      ...(errorCode
        ? { errorCode, errorMessage: 'You are not authorized to perform this operation.' }
        : {}),
      requestParameters,
      responseElements: errorCode ? null : responseElements,
      requestID: randomUUID(),
      eventID: eventId,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: where.accountId,
      eventCategory: 'Management',
    },
  };
}

/**
 * EventBridge `AWS API Call via CloudTrail` for `AuthorizeSecurityGroupIngress` of
 * `tcp <ports> from <cidr>` on `target`, naming the group by id, with the rule set EC2 answered.
 */
export function cloudTrailAuthorizeEvent(
  target: EventTarget,
  rule: {
    readonly fromPort: number;
    readonly toPort: number;
    readonly cidr: string;
    readonly ruleId: string;
  },
  options: { readonly errorCode?: string } = {},
): Record<string, unknown> {
  return cloudTrailEvent(
    target,
    'AuthorizeSecurityGroupIngress',
    {
      groupId: target.groupId,
      ipPermissions: { items: [recordedPermission(rule.fromPort, rule.toPort, rule.cidr)] },
    },
    {
      requestId: randomUUID(),
      _return: true,
      securityGroupRuleSet: {
        items: [
          {
            groupOwnerId: target.accountId,
            groupId: target.groupId,
            securityGroupRuleId: rule.ruleId,
            isEgress: false,
            ipProtocol: 'tcp',
            fromPort: rule.fromPort,
            toPort: rule.toPort,
            cidrIpv4: rule.cidr,
          },
        ],
      },
    },
    options.errorCode,
  );
}

/**
 * `AuthorizeSecurityGroupIngress` that names a default-VPC group by `groupName` only, as older
 * tools and the EC2-Classic-era API do; the response carries no rule set, so nothing in the
 * event gives the group's id.
 */
export function cloudTrailAuthorizeByNameEvent(where: {
  readonly groupName: string;
  readonly accountId: string;
  readonly region: string;
}): Record<string, unknown> {
  return cloudTrailEvent(
    where,
    'AuthorizeSecurityGroupIngress',
    {
      groupName: where.groupName,
      ipPermissions: { items: [recordedPermission(22, 22, '0.0.0.0/0')] },
    },
    { requestId: randomUUID(), _return: true },
  );
}

/**
 * `ModifySecurityGroupRules` that turned rule `ruleId` of `target` into `tcp <ports> from
 * <cidr>`; CloudTrail wraps this call's parameters in `ModifySecurityGroupRulesRequest`.
 */
export function cloudTrailModifyEvent(
  target: EventTarget,
  rule: {
    readonly fromPort: number;
    readonly toPort: number;
    readonly cidr: string;
    readonly ruleId: string;
  },
): Record<string, unknown> {
  return cloudTrailEvent(
    target,
    'ModifySecurityGroupRules',
    {
      ModifySecurityGroupRulesRequest: {
        GroupId: target.groupId,
        SecurityGroupRule: {
          SecurityGroupRuleId: rule.ruleId,
          SecurityGroupRule: {
            IpProtocol: 'tcp',
            FromPort: rule.fromPort,
            ToPort: rule.toPort,
            CidrIpv4: rule.cidr,
          },
          tag: 1,
        },
      },
    },
    { ModifySecurityGroupRulesResponse: { _return: true, requestId: randomUUID() } },
  );
}

/**
 * EventBridge `AWS API Call via CloudTrail` for `ModifyManagedPrefixList` adding `cidr` to the
 * list, as CloudTrail nests it (`ModifyManagedPrefixListRequest`).
 */
export function cloudTrailModifyPrefixListEvent(
  where: { readonly accountId: string; readonly region: string },
  prefixListId: string,
  cidr: string,
): Record<string, unknown> {
  return cloudTrailEvent(
    where,
    'ModifyManagedPrefixList',
    {
      ModifyManagedPrefixListRequest: {
        PrefixListId: prefixListId,
        CurrentVersion: 1,
        AddEntry: { Cidr: cidr, tag: 1 },
      },
    },
    {
      ModifyManagedPrefixListResponse: {
        prefixList: { prefixListId, state: 'modify-in-progress' },
      },
    },
  );
}

/** A direct invocation, as an operator or the CLI sends it. */
export const directEvent = (groupId: string): { readonly groupId: string } => ({ groupId });
