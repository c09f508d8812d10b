/**
 * The events the demo sends to the remediator, in the shapes AWS delivers them: an SNS record
 * wrapping AWS Config's `ComplianceChangeNotification`, EventBridge's `Config Rules Compliance
 * Change`, and EventBridge's `AWS API Call via CloudTrail` for `AuthorizeSecurityGroupIngress`.
 */
import { randomUUID } from 'node:crypto';
import type { SecurityGroupRule } from '@aws-sdk/client-ec2';

/** The group an event is about. */
export interface EventSubject {
  readonly groupId: string;
  readonly accountId: string;
  readonly region: string;
}

const RULE_NAME = 'sg-guard-restricted-ssh';

function evaluation(subject: EventSubject, compliance: string, at: string) {
  return {
    evaluationResultIdentifier: {
      evaluationResultQualifier: {
        configRuleName: RULE_NAME,
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: subject.groupId,
      },
      orderingTimestamp: at,
    },
    complianceType: compliance,
    resultRecordedTime: at,
    configRuleInvokedTime: at,
  };
}

function complianceChange(subject: EventSubject, now: Date) {
  const at = now.toISOString();
  return {
    awsAccountId: subject.accountId,
    configRuleName: RULE_NAME,
    configRuleARN: `arn:aws:config:${subject.region}:${subject.accountId}:config-rule/config-rule-demo01`,
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: subject.groupId,
    awsRegion: subject.region,
    newEvaluationResult: evaluation(subject, 'NON_COMPLIANT', at),
    oldEvaluationResult: evaluation(
      subject,
      'COMPLIANT',
      new Date(now.getTime() - 86_400_000).toISOString(),
    ),
    notificationCreationTime: at,
    messageType: 'ComplianceChangeNotification',
    recordVersion: '1.0',
  };
}

/** A Lambda SNS event: Config's delivery channel published the change to its topic. */
export function configSnsEvent(subject: EventSubject, now = new Date()) {
  const topicArn = `arn:aws:sns:${subject.region}:${subject.accountId}:config-topic`;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: topicArn,
          Subject:
            `[AWS Config:${subject.region}] AWS::EC2::SecurityGroup ${subject.groupId} is NON_COMPLIANT with ${RULE_NAME}`.slice(
              0,
              100,
            ),
          // Config's message arrives as a JSON string inside the SNS record.
          Message: JSON.stringify(complianceChange(subject, now), null, 4),
          Timestamp: now.toISOString(),
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'EXAMPLE',
          UnsubscribeUrl: 'EXAMPLE',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** EventBridge `Config Rules Compliance Change` from `aws.config`. */
export function configEventBridgeEvent(subject: EventSubject, now = new Date()) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Config Rules Compliance Change',
    source: 'aws.config',
    account: subject.accountId,
    time: now.toISOString(),
    region: subject.region,
    resources: [],
    detail: complianceChange(subject, now),
  };
}

/** How CloudTrail records an `IpPermission` in `requestParameters`. */
function recordedPermission(rule: SecurityGroupRule) {
  return {
    ipProtocol: rule.IpProtocol,
    ...(rule.IpProtocol === '-1' ? {} : { fromPort: rule.FromPort, toPort: rule.ToPort }),
    groups: {},
    ipRanges: rule.CidrIpv4 ? { items: [{ cidrIp: rule.CidrIpv4 }] } : {},
    ipv6Ranges: rule.CidrIpv6 ? { items: [{ cidrIpv6: rule.CidrIpv6 }] } : {},
    prefixListIds: rule.PrefixListId ? { items: [{ prefixListId: rule.PrefixListId }] } : {},
  };
}

/**
 * EventBridge `AWS API Call via CloudTrail`: someone called AuthorizeSecurityGroupIngress on
 * the group with `rules` (as the call's response lists them).
 */
export function cloudTrailAuthorizeEvent(
  subject: EventSubject,
  rules: readonly SecurityGroupRule[],
  actor: string,
  now = new Date(),
) {
  const at = now.toISOString();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: subject.accountId,
    time: at,
    region: subject.region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: { type: 'AssumedRole', arn: actor, accountId: subject.accountId },
      eventTime: at,
      eventSource: 'ec2.amazonaws.com',
      eventName: 'AuthorizeSecurityGroupIngress',
      awsRegion: subject.region,
      sourceIPAddress: '198.51.100.10',
      userAgent: 'aws-cli/2.17.0',
      requestParameters: {
        groupId: subject.groupId,
        ipPermissions: { items: rules.map(recordedPermission) },
      },
      responseElements: {
        requestId: randomUUID(),
        _return: true,
        securityGroupRuleSet: {
          items: rules.map((rule) => ({
            groupOwnerId: subject.accountId,
            groupId: subject.groupId,
            securityGroupRuleId: rule.SecurityGroupRuleId,
            isEgress: false,
            ipProtocol: rule.IpProtocol,
            fromPort: rule.FromPort,
            toPort: rule.ToPort,
            ...(rule.CidrIpv4 ? { cidrIpv4: rule.CidrIpv4 } : {}),
            ...(rule.CidrIpv6 ? { cidrIpv6: rule.CidrIpv6 } : {}),
            ...(rule.PrefixListId ? { prefixListId: rule.PrefixListId } : {}),
          })),
        },
      },
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: subject.accountId,
      eventCategory: 'Management',
    },
  };
}
