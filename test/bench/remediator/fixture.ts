/**
 * The emulated organization the remediator benchmarks run in, and the exposed groups they fix.
 * Building it is setup: nothing here is timed.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  DeleteSecurityGroupCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import {
  createLedgerTable,
  createOrganizationEstate,
  createSecurityGroup,
  defaultVpcId,
  type EmulatorCredentials,
  emulatorEc2,
  emulatorSns,
  memberCredentials,
} from '@sg-guard/emulator';
import { MODE_MAP, publishModeMap } from '../../support/mode-map.js';

/** Region of the function, its groups and the central topic. */
export const BENCH_REGION = 'eu-west-1';

/** The mode map the remediators read: the publisher's bucket in the management account. */
export { MODE_MAP };

/**
 * Where an account's `sg-guard:mode` comes from: `account` (the account's own tag), `ou` (its
 * OU's tag), `default` (no tag up to the root, one OU deep: the deployed default applies). The
 * mode publisher resolves all three into the account's object; the remediator reads that one
 * object whatever the layout, so the count must not depend on it.
 */
export type PolicyLayout = 'account' | 'ou' | 'default';

const ORGANIZATION = {
  organizationalUnits: [{ name: 'Security' }, { name: 'Enforced', mode: 'enforce' }],
  accounts: [
    { name: 'security', ou: 'Security' },
    { name: 'account', ou: 'Security', mode: 'enforce' },
    { name: 'ou', ou: 'Enforced' },
    { name: 'default', ou: 'Security' },
  ],
} as const;

/** One member account where a remediator runs. */
export interface BenchAccount {
  readonly accountId: string;
  readonly credentials: EmulatorCredentials;
  readonly ec2: EC2Client;
  readonly vpcId: string;
}

/** The organization, the central topic and one member account per {@link PolicyLayout}. */
export interface RemediatorWorld {
  readonly endpoint: string;
  readonly topicArn: string;
  readonly accounts: Readonly<Record<PolicyLayout, BenchAccount>>;
}

/**
 * Builds the organization, the mode map (bucket and objects written by the real mode
 * publisher's full pass), each member's ledger table (as the member stack makes it) and the
 * central topic (in the security account, without subscriptions: production delivers mail
 * asynchronously, and a queue would only add emulator work to every publish). Reset the
 * emulator first.
 */
export async function buildRemediatorWorld(endpoint: string): Promise<RemediatorWorld> {
  const org = await createOrganizationEstate(endpoint, ORGANIZATION);
  await publishModeMap(endpoint, { defaultMode: 'enforce' });
  const security = await memberCredentials(endpoint, org.accounts.security.accountId);
  const topic = await emulatorSns(endpoint, { region: BENCH_REGION, credentials: security }).send(
    new CreateTopicCommand({ Name: 'sg-guard-findings' }),
  );
  if (!topic.TopicArn) throw new Error('CreateTopic returned no ARN');
  const accounts = {} as Record<PolicyLayout, BenchAccount>;
  for (const layout of ['account', 'ou', 'default'] as const) {
    const { accountId } = org.accounts[layout];
    const credentials = await memberCredentials(endpoint, accountId);
    const ec2 = emulatorEc2(endpoint, { region: BENCH_REGION, credentials });
    await createLedgerTable(endpoint, { credentials, region: BENCH_REGION });
    accounts[layout] = { accountId, credentials, ec2, vpcId: await defaultVpcId(ec2) };
  }
  return { endpoint, topicArn: topic.TopicArn, accounts };
}

/**
 * Creates the textbook exposed group: SSH from 0.0.0.0/0 beside HTTPS from the world and SSH
 * from the VPC (which must survive), in one Authorize call.
 */
export async function createExposedGroup(account: BenchAccount, name: string): Promise<string> {
  const { groupId } = await createSecurityGroup(account.ec2, {
    groupName: name,
    vpcId: account.vpcId,
  });
  await account.ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    }),
  );
  return groupId;
}

/** Deletes a group, so the emulator's state (and its describe cost) stays the same per iteration. */
export async function deleteGroup(account: BenchAccount, groupId: string): Promise<void> {
  await account.ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
}

/** An EventBridge `Config Rules Compliance Change` (NON_COMPLIANT) for the group. */
export function nonCompliantEvent(groupId: string, accountId: string): Record<string, unknown> {
  const qualifier = {
    configRuleName: 'sg-guard-restricted-ssh',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: groupId,
  };
  return {
    version: '0',
    id: `bench-${groupId}`,
    'detail-type': 'Config Rules Compliance Change',
    source: 'aws.config',
    account: accountId,
    time: '2026-11-27T10:00:05Z',
    region: BENCH_REGION,
    resources: [],
    detail: {
      resourceId: groupId,
      awsRegion: BENCH_REGION,
      awsAccountId: accountId,
      configRuleName: qualifier.configRuleName,
      recordVersion: '1.0',
      configRuleARN: `arn:aws:config:${BENCH_REGION}:${accountId}:config-rule/config-rule-x1y2z3`,
      messageType: 'ComplianceChangeNotification',
      newEvaluationResult: {
        evaluationResultIdentifier: {
          evaluationResultQualifier: qualifier,
          orderingTimestamp: '2026-11-27T10:00:01.000Z',
        },
        complianceType: 'NON_COMPLIANT',
        resultRecordedTime: '2026-11-27T10:00:04.000Z',
        configRuleInvokedTime: '2026-11-27T10:00:02.000Z',
      },
      notificationCreationTime: '2026-11-27T10:00:05.000Z',
      resourceType: 'AWS::EC2::SecurityGroup',
    },
  };
}

/** The Lambda context fields the handler reads. */
export function lambdaContext(accountId: string, invocation: number) {
  return {
    invokedFunctionArn: `arn:aws:lambda:${BENCH_REGION}:${accountId}:function:sg-guard-remediator`,
    awsRequestId: `00000000-0000-4000-8000-${String(invocation).padStart(12, '0')}`,
  };
}
