/**
 * The remediator's deployed IAM, proven against the calls the real handler makes: each scenario
 * runs the handler against moto through a recorder; every recorded call (batch calls under their
 * IAM actions, plus what SNS and S3 authorize on the caller's behalf) is evaluated with
 * iam-simulate against the role of the synthesized member template and, across accounts, the
 * topic, key and bucket policies of the central and mode publisher stacks.
 * Sufficient: every call is allowed. Minimal: the actions called are the actions granted, and
 * each statement, removed, refuses some call.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '@sg-guard/aws';
import {
  createPrefixList,
  describeInboundRules,
  EMULATOR_CREDENTIALS,
  openSsh,
} from '@sg-guard/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  cloudTrailAuthorizeEvent,
  cloudTrailModifyEvent,
  cloudTrailModifyPrefixListEvent,
  configEventBridgeEvent,
  configSnsEvent,
  directEvent,
} from '../../support/events.js';
import { type IamRequest, iamRequestsOf, UNAUTHORIZED_ACTIONS } from '../../support/iam/calls.js';
import {
  type DeployedIam,
  deployedNaming,
  deployedRemediator,
  deployedResourcePolicies,
  synthesizeDeployedIam,
} from '../../support/iam/deployment.js';
import { decideAll, refusals } from '../../support/iam/evaluate.js';
import { type RequestRecorder, startRecorder } from '../../support/iam/recorder.js';
import { actionsOf, type NamedPolicy } from '../../support/iam/template.js';
import { MODE_MAP } from '../../support/mode-map.js';
import { readNotices } from '../../support/notices.js';
import { coldStart, type Deployment } from '../../support/remediator.js';
import {
  buildWorld,
  HOME_REGION,
  motoEndpoint,
  type TestAccountName,
  type World,
} from '../../support/world.js';

/**
 * Granted actions no handler code calls, each used by AWS on the function's behalf: Lambda
 * writes the function's logs with its role, and sends a failed asynchronous event to its DLQ
 * with it (the template assertions in infra/tests pin their resources).
 */
const USED_BY_THE_LAMBDA_SERVICE = new Set([
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'sqs:SendMessage',
]);

/**
 * Granted, and called by nothing: found by this suite and reported (issue 16) to the owners of
 * infra/lib/constructs/remediator-function.ts and ledger-table.ts (LEDGER_ACTIONS). The test
 * asserts the excess is exactly this list, so a new excess fails it, and so does removing one
 * of these from the template until it is removed here too.
 */
const REPORTED_EXCESS = [
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'ec2:DescribeManagedPrefixLists',
  // CDK's grantSendMessages adds these to SendMessage; Lambda's DLQ needs only SendMessage.
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
];

let iam: DeployedIam;
let recorder: RequestRecorder;
let world: World;
/** Every scenario's IAM requests, by scenario, for the minimality checks at the end. */
const recorded = new Map<string, { account: string; requests: IamRequest[] }>();

beforeAll(async () => {
  iam = synthesizeDeployedIam();
  recorder = await startRecorder(motoEndpoint());
}, 120_000);
afterAll(async () => {
  await recorder?.close();
  iam?.synthesized.dispose();
});
beforeEach(async () => {
  world = await buildWorld();
  recorder.clear();
});

async function deploy(deployment: Omit<Deployment, 'endpoint'>) {
  return coldStart(world, { ...deployment, endpoint: recorder.endpoint });
}

/** The scenario's calls as IAM requests, evaluated; fails listing every refused one. */
async function expectAllowed(scenario: string, account: TestAccountName) {
  const { accountId } = world.account(account);
  const remediator = deployedRemediator(iam, { accountId, region: HOME_REGION });
  const naming = deployedNaming(iam, world, remediator);
  const requests = recorder.requests().flatMap((request) => iamRequestsOf(request, naming));
  recorded.set(scenario, { account, requests });
  expect(requests.length).toBeGreaterThan(0);
  const decisions = await decideAll(requests, remediator.principal, deployedResourcePolicies(iam));
  expect(refusals(decisions)).toEqual([]);
}

async function firstIngressRuleId(ec2: EC2Client, groupId: string): Promise<string> {
  const { SecurityGroupRules = [] } = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
  );
  const rule = SecurityGroupRules.find((candidate) => !candidate.IsEgress);
  if (!rule?.SecurityGroupRuleId) throw new Error(`${groupId} has no ingress rule`);
  return rule.SecurityGroupRuleId;
}

const target = (groupId: string, account: TestAccountName = 'enforced') => ({
  groupId,
  accountId: world.account(account).accountId,
  region: HOME_REGION,
});

describe('the remediator role is sufficient', () => {
  it('for a Config SNS finding revoked in enforce mode', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-22-world-v4');
    const remediator = await deploy({ account: 'enforced', settings: { strategy: 'revoke' } });

    await remediator.invoke(configSnsEvent(target(opened.groupId)));

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual(opened.expectedAfter('revoke'));
    await expectAllowed('config-sns revoke', 'enforced');
  });

  it('for a Config EventBridge finding narrowed, then the same event again (ledger closed)', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-all-ports-world');
    const remediator = await deploy({ account: 'enforced' });

    await remediator.invoke(configEventBridgeEvent(target(opened.groupId)));
    await remediator.invoke(configEventBridgeEvent(target(opened.groupId)));

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual(opened.expectedAfter('narrow'));
    expect(await readNotices(world)).toHaveLength(1);
    await expectAllowed('config-eventbridge narrow twice', 'enforced');
  });

  it('for CloudTrail AuthorizeSecurityGroupIngress and ModifySecurityGroupRules calls', async () => {
    const ec2 = world.account('enforced').ec2();
    const first = await openSsh(ec2, 'all-traffic-world', { groupName: 'via-authorize' });
    const second = await openSsh(ec2, 'tcp-22-world-v6', { groupName: 'via-modify' });
    const remediator = await deploy({ account: 'enforced' });
    const rule = { fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' };

    await remediator.invoke(
      cloudTrailAuthorizeEvent(target(first.groupId), {
        ...rule,
        ruleId: await firstIngressRuleId(ec2, first.groupId),
      }),
    );
    await remediator.invoke(
      cloudTrailModifyEvent(target(second.groupId), {
        ...rule,
        ruleId: await firstIngressRuleId(ec2, second.groupId),
      }),
    );

    expect(await describeInboundRules(ec2, first.groupId)).toEqual(first.expectedAfter('narrow'));
    expect(await describeInboundRules(ec2, second.groupId)).toEqual(second.expectedAfter('narrow'));
    await expectAllowed('cloudtrail authorize and modify', 'enforced');
  });

  it('for a prefix list that gains 0.0.0.0/0', async () => {
    const ec2 = world.account('enforced').ec2();
    const prefixListId = await createPrefixList(ec2, { name: 'world', cidrs: ['0.0.0.0/0'] });
    const opened = await openSsh(ec2, 'tcp-22-world-v4', { groupName: 'plain' });
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: opened.groupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            PrefixListIds: [{ PrefixListId: prefixListId }],
          },
        ],
      }),
    );
    const remediator = await deploy({ account: 'enforced' });

    await remediator.invoke(
      cloudTrailModifyPrefixListEvent(
        { accountId: world.account('enforced').accountId, region: HOME_REGION },
        prefixListId,
        '0.0.0.0/0',
      ),
    );

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual([]);
    await expectAllowed('prefix list', 'enforced');
  });

  it('for the sweep, with Security Hub on', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-22-world-v4');
    vi.stubEnv('SG_GUARD_SECURITY_HUB', 'true');
    const remediator = await deploy({ account: 'enforced' });
    const accountId = world.account('enforced').accountId;

    await remediator.invoke({
      version: '0',
      id: '5ac8d8a2-2b1c-4c5e-9f59-0a9f1c3f0002',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: accountId,
      time: new Date().toISOString(),
      region: HOME_REGION,
      resources: [`arn:aws:events:${HOME_REGION}:${accountId}:rule/sg-guard-sweep`],
      detail: {},
    });

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual([]);
    expect(recorder.requests().some((request) => request.service === 'securityhub')).toBe(true);
    await expectAllowed('sweep with security hub', 'enforced');
  });

  it('in notify and off accounts', async () => {
    const notified = await openSsh(world.account('notified').ec2(), 'tcp-22-world-v4');
    await (await deploy({ account: 'notified' })).invoke(directEvent(notified.groupId));
    expect((await readNotices(world)).map((notice) => notice.record?.action)).toEqual([
      'would-remediate',
    ]);
    await expectAllowed('notify', 'notified');

    recorder.clear();
    const disabled = await openSsh(world.account('disabled').ec2(), 'tcp-22-world-v4');
    await (await deploy({ account: 'disabled' })).invoke(directEvent(disabled.groupId));
    expect(await describeInboundRules(world.account('disabled').ec2(), disabled.groupId)).toEqual(
      disabled.rules,
    );
    await expectAllowed('off', 'disabled');
  });

  it('for an account the mode map does not list yet (S3 answers 404 only to a lister)', async () => {
    const { accountId } = world.account('enforced');
    const s3 = createS3Client({
      endpoint: world.endpoint,
      region: MODE_MAP.region,
      credentials: EMULATOR_CREDENTIALS,
      forcePathStyle: true,
      maxAttempts: 1,
    });
    await s3.send(
      new DeleteObjectCommand({ Bucket: MODE_MAP.bucket, Key: `modes/${accountId}.json` }),
    );
    const opened = await openSsh(world.account('enforced').ec2(), 'tcp-22-world-v4');

    await (await deploy({ account: 'enforced', settings: { defaultMode: 'notify' } })).invoke(
      directEvent(opened.groupId),
    );

    expect(recorder.requests().some((request) => request.status === 404)).toBe(true);
    expect((await readNotices(world)).map((notice) => notice.record?.action)).toEqual([
      'would-remediate',
    ]);
    await expectAllowed('mode object absent', 'enforced');
  });
});

/** `dynamodb:Get*` matches `dynamodb:GetItem`; IAM action names ignore case. */
const matches = (pattern: string, action: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(
    action,
  );

describe('the remediator role is minimal', () => {
  const SCENARIOS = 8;
  const allowActions = (policies: readonly NamedPolicy[]) =>
    policies.flatMap((policy) =>
      policy.document.Statement.filter((s) => s.Effect === 'Allow').flatMap(actionsOf),
    );
  const templatePolicies = () =>
    deployedRemediator(iam, { accountId: '000000000000', region: HOME_REGION }).principal
      .identityPolicies;

  /** The policies with `drop` applied to one statement's actions (an empty statement goes). */
  const without = (
    policies: readonly NamedPolicy[],
    p: number,
    s: number,
    drop: (action: string) => boolean,
  ): NamedPolicy[] =>
    policies.map((policy, index) =>
      index !== p
        ? policy
        : {
            ...policy,
            document: {
              ...policy.document,
              Statement: policy.document.Statement.flatMap((statement, j) => {
                if (j !== s) return [statement];
                const kept = actionsOf(statement).filter((action) => !drop(action));
                return kept.length > 0 ? [{ ...statement, Action: kept }] : [];
              }),
            },
          },
    );

  /** Whether some scenario's call is refused under the policies `change` makes of the role's. */
  async function someCallRefused(
    relevant: (request: IamRequest) => boolean,
    change: (policies: readonly NamedPolicy[]) => NamedPolicy[],
  ): Promise<boolean> {
    for (const { account, requests } of recorded.values()) {
      const { accountId } = world.account(account as TestAccountName);
      const placement = { accountId, region: HOME_REGION };
      const role = deployedRemediator(iam, placement).principal.identityPolicies;
      const decisions = await decideAll(
        requests.filter(relevant),
        deployedRemediator(iam, placement, change(role)).principal,
        deployedResourcePolicies(iam),
      );
      if (refusals(decisions).length > 0) return true;
    }
    return false;
  }

  it('grants exactly the actions the handler was seen to need, and what Lambda uses', () => {
    expect([...recorded.keys()]).toHaveLength(SCENARIOS);
    const used = new Set(
      [...recorded.values()].flatMap(({ requests }) => requests.map((r) => r.action)),
    );
    const granted = allowActions(templatePolicies());
    const unused = granted
      .filter((grant) => ![...used].some((action) => matches(grant, action)))
      .filter((grant) => !USED_BY_THE_LAMBDA_SERVICE.has(grant));
    const ungranted = [...used].filter(
      (action) => !granted.some((grant) => matches(grant, action)),
    );
    expect({ unused: unused.sort(), ungranted }).toEqual({
      unused: [...REPORTED_EXCESS].sort(),
      ungranted: [],
    });
    for (const action of UNAUTHORIZED_ACTIONS) expect(granted).not.toContain(action);
  });

  it('grants what Lambda does for the function only on its own log group and failure queue', () => {
    const remediator = deployedRemediator(iam, { accountId: '000000000000', region: HOME_REGION });
    const { resolver, functionId } = remediator;
    const { LoggingConfig } = resolver.template.Resources[functionId]?.Properties ?? {};
    const logGroup = resolver.arnOf((LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref);
    const invokeConfig = resolver.single(
      'AWS::Lambda::EventInvokeConfig',
      (properties) => (properties.FunctionName as { Ref?: string })?.Ref === functionId,
    );
    const onFailure = (
      resolver.properties(invokeConfig) as {
        DestinationConfig: { OnFailure: { Destination: string } };
      }
    ).DestinationConfig.OnFailure.Destination;
    const statements = remediator.principal.identityPolicies.flatMap((policy) =>
      policy.document.Statement.filter((statement) =>
        actionsOf(statement).some((action) => USED_BY_THE_LAMBDA_SERVICE.has(action)),
      ),
    );
    expect(
      statements.map((statement) => [actionsOf(statement).sort(), statement.Resource]),
    ).toEqual([
      [['logs:CreateLogStream', 'logs:PutLogEvents'], logGroup],
      [['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], onFailure],
    ]);
  });

  it('turns a call red when any used action is removed from its statement', async () => {
    expect([...recorded.keys()]).toHaveLength(SCENARIOS);
    const policies = templatePolicies();
    const survivors: string[] = [];
    let checked = 0;
    for (const [p, policy] of policies.entries()) {
      for (const [s, statement] of policy.document.Statement.entries()) {
        for (const grant of actionsOf(statement)) {
          if (USED_BY_THE_LAMBDA_SERVICE.has(grant) || REPORTED_EXCESS.includes(grant)) continue;
          checked += 1;
          const refused = await someCallRefused(
            (request) => matches(grant, request.action),
            (role) => without(role, p, s, (action) => action === grant),
          );
          if (!refused) survivors.push(`${statement.Sid ?? `#${s}`} ${grant}`);
        }
      }
    }
    expect(survivors).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it('has no dead statement: removing any one refuses a call some scenario made', async () => {
    expect([...recorded.keys()]).toHaveLength(SCENARIOS);
    const policies = templatePolicies();
    const dead: string[] = [];
    for (const [p, policy] of policies.entries()) {
      for (const [s, statement] of policy.document.Statement.entries()) {
        const actions = actionsOf(statement);
        const byOthers = (action: string) =>
          USED_BY_THE_LAMBDA_SERVICE.has(action) || REPORTED_EXCESS.includes(action);
        if (actions.every(byOthers)) continue;
        const refused = await someCallRefused(
          (request) => actions.some((grant) => matches(grant, request.action)),
          (role) => without(role, p, s, () => true),
        );
        if (!refused) dead.push(statement.Sid ?? `${policy.name}#${s} ${actions.join(',')}`);
      }
    }
    expect(dead).toEqual([]);
  });
});
