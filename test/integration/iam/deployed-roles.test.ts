/**
 * The remediator's deployed IAM, proven against the calls the real handler makes: each scenario
 * runs the handler against moto through a recorder; every recorded call (batch calls under their
 * IAM actions, plus what SNS and S3 authorize on the caller's behalf) is evaluated with
 * iam-simulate against the role of the synthesized member template and, across accounts, the
 * topic, key and bucket policies of the central and mode publisher stacks.
 * Sufficient: every call is allowed. Minimal: the actions called are the actions granted, and
 * each used action, each statement and each resource, removed, refuses some call. The mode
 * publisher's role (mode publisher stack) is proven the same way. One synthesis per file (~25 s).
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { TagResourceCommand } from '@aws-sdk/client-organizations';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '@sg-guard/aws';
import {
  createPrefixList,
  describeInboundRules,
  EMULATOR_CREDENTIALS,
  emulatorOrganizations,
  openSsh,
} from '@sg-guard/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
// The test package does not depend on the app; its source is imported directly.
import { createHandler as createPublisher } from '../../../apps/mode-publisher/src/app.js';
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
  deployedModePublisher,
  deployedNaming,
  deployedRemediator,
  deployedResourcePolicies,
  publisherNaming,
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
  // CDK's grantSendMessages adds these to SendMessage; Lambda's DLQ needs only SendMessage.
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
];

/**
 * Resources granted and never needed, reported like {@link REPORTED_EXCESS}: AWS authorizes
 * Authorize/RevokeSecurityGroupIngress on the group only (its service authorization reference
 * lists no security-group-rule resource for them), whether rules are named by id or content.
 */
const REPORTED_EXCESS_RESOURCES = [
  'ChangeIngressOfThisAccountAndRegion arn:aws:ec2:eu-west-1:<account>:security-group-rule/*',
];

let iam: DeployedIam;
let recorder: RequestRecorder;
let world: World;
/** Every scenario's IAM requests, by scenario, for the minimality checks at the end. */
const recorded = new Map<string, { accountId: string; region: string; requests: IamRequest[] }>();

beforeAll(async () => {
  iam = synthesizeDeployedIam();
  recorder = await startRecorder(motoEndpoint());
}, 120_000);
afterAll(async () => {
  await recorder?.close();
  iam?.synthesized.dispose();
});
/** A fresh emulated organization, for the tests that run a handler (the others only evaluate). */
async function freshWorld() {
  world = await buildWorld();
  recorder.clear();
}

async function deploy(deployment: Omit<Deployment, 'endpoint'>) {
  return coldStart(world, { ...deployment, endpoint: recorder.endpoint });
}

/** The scenario's calls as IAM requests, evaluated; fails listing every refused one. */
async function expectAllowed(scenario: string, account: TestAccountName, region = HOME_REGION) {
  const { accountId } = world.account(account);
  const remediator = deployedRemediator(iam, { accountId, region });
  const naming = deployedNaming(iam, world, remediator);
  const requests = recorder.requests().flatMap((request) => iamRequestsOf(request, naming));
  recorded.set(scenario, { accountId, region, requests });
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
  beforeEach(freshWorld);

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

  it('for a narrowing that would pass the rule quota (revoke instead)', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-all-ports-world');
    const privateRanges = Array.from({ length: 58 }, (_, index) => ({
      CidrIp: `10.1.${index}.0/24`,
    }));
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: opened.groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: privateRanges }],
      }),
    );

    await (await deploy({ account: 'enforced' })).invoke(directEvent(opened.groupId));

    const [notice] = await readNotices(world);
    expect(notice?.record).toMatchObject({ appliedStrategy: 'revoke', authorized: [] });
    await expectAllowed('quota fallback', 'enforced');
  });

  it('in another region than the central topic (its own role, ledger and key use via SNS)', async () => {
    const region = 'us-east-2';
    const ec2 = world.account('enforced').ec2(region);
    const opened = await openSsh(ec2, 'tcp-22-world-v4');

    await (await deploy({ account: 'enforced', region })).invoke(directEvent(opened.groupId));

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual([]);
    expect(await readNotices(world)).toHaveLength(1);
    await expectAllowed('other region', 'enforced', region);
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
  const SCENARIOS = 10;
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
    for (const { accountId, region, requests } of recorded.values()) {
      const placement = { accountId, region };
      const role = deployedRemediator(iam, placement).principal.identityPolicies;
      const calls = requests.filter(relevant);
      // The baseline: the role as synthesized allows them all (else a refusal proves nothing).
      const baseline = await decideAll(
        calls,
        deployedRemediator(iam, placement).principal,
        deployedResourcePolicies(iam),
      );
      expect(refusals(baseline)).toEqual([]);
      const decisions = await decideAll(
        calls,
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

  const anyAccount = (arn: string) => arn.replace(/\d{12}/g, '<account>');

  it("has no dead resource: removing any one of a statement's resources refuses a call", async () => {
    expect([...recorded.keys()]).toHaveLength(SCENARIOS);
    const policies = templatePolicies();
    const dead: string[] = [];
    for (const [p, policy] of policies.entries()) {
      for (const [s, statement] of policy.document.Statement.entries()) {
        const resources = [statement.Resource ?? []].flat() as string[];
        const actions = actionsOf(statement);
        if (resources.length < 2) continue; // one resource: the statement test covers it
        for (const resource of resources.map(anyAccount)) {
          const refused = await someCallRefused(
            (request) => actions.some((grant) => matches(grant, request.action)),
            // Each recorded account's own statement, less the resource (compared account-free).
            (role) =>
              role.map((candidate, index) =>
                index !== p
                  ? candidate
                  : {
                      ...candidate,
                      document: {
                        ...candidate.document,
                        Statement: candidate.document.Statement.map((st, k) =>
                          k !== s
                            ? st
                            : {
                                ...st,
                                Resource: ([st.Resource ?? []].flat() as string[]).filter(
                                  (r) => anyAccount(r) !== resource,
                                ),
                              },
                        ),
                      },
                    },
              ),
          );
          if (!refused) dead.push(`${statement.Sid ?? `#${s}`} ${resource}`);
        }
      }
    }
    expect(dead).toEqual(REPORTED_EXCESS_RESOURCES);
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

describe('the conditions the deployed policies rely on refuse what they are for', () => {
  /** The calls of the first scenario to `action`, and the remediator that made them. */
  function callsOf(action: string) {
    const scenario = recorded.get('config-sns revoke');
    if (!scenario) throw new Error('the Config SNS scenario did not run');
    const { accountId } = scenario;
    const requests = scenario.requests.filter((request) => request.action === action);
    expect(requests.length).toBeGreaterThan(0);
    return { requests, remediator: deployedRemediator(iam, { accountId, region: HOME_REGION }) };
  }
  const refusedAll = async (
    requests: readonly IamRequest[],
    principal: ReturnType<typeof deployedRemediator>['principal'],
  ) =>
    refusals(await decideAll(requests, principal, deployedResourcePolicies(iam))).length ===
    requests.length;

  it.each([['sns:Publish'], ['kms:GenerateDataKey'], ['s3:GetObject']])(
    '%s: refused to the same role outside the organization (aws:PrincipalOrgID)',
    async (action) => {
      const { requests, remediator } = callsOf(action);
      const outsider = { ...remediator.principal, organizationId: 'o-zzzzzzzzzz' };
      expect(await refusedAll(requests, remediator.principal)).toBe(false);
      expect(await refusedAll(requests, outsider)).toBe(true);
    },
  );

  it.each([['sns:Publish'], ['kms:Decrypt'], ['s3:GetObject']])(
    '%s: refused to another role of the account, even with the same policy (aws:PrincipalArn)',
    async (action) => {
      const { requests, remediator } = callsOf(action);
      const other = {
        ...remediator.principal,
        roleArn: `arn:aws:iam::${remediator.principal.accountId}:role/admin`,
      };
      expect(await refusedAll(requests, other)).toBe(true);
    },
  );

  it("refuses the remediator another account's mode object (the aws:PrincipalAccount variable)", async () => {
    const { requests, remediator } = callsOf('s3:GetObject');
    const other = '999999999999';
    const foreign = requests.map((request) => ({
      ...request,
      resource: request.resource.replace(
        `modes/${remediator.principal.accountId}`,
        `modes/${other}`,
      ),
    }));
    expect(await refusedAll(foreign, remediator.principal)).toBe(true);
  });

  it('refuses the central key outside SNS (kms:ViaService) and as another key (kms:ResourceAliases)', async () => {
    const { requests, remediator } = callsOf('kms:GenerateDataKey');
    const direct = requests.map((request) => ({
      ...request,
      context: { ...request.context, 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
    }));
    const otherKey = requests.map((request) => ({
      ...request,
      context: { ...request.context, 'kms:ResourceAliases': ['alias/other'] },
    }));
    expect(await refusedAll(direct, remediator.principal)).toBe(true);
    expect(await refusedAll(otherKey, remediator.principal)).toBe(true);
  });
});

describe('the mode publisher role', () => {
  let requests: IamRequest[] = [];
  /** Lambda's own use of the role (logs, failure queue), and CDK's extra queue actions. */
  const NOT_THE_HANDLERS = new Set([
    ...USED_BY_THE_LAMBDA_SERVICE,
    // Reported excess, as for the remediator: CDK's grantSendMessages adds these.
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
  ]);
  const evaluate = (policies?: NamedPolicy[], only?: (request: IamRequest) => boolean) =>
    decideAll(
      requests.filter(only ?? (() => true)),
      deployedModePublisher(iam, policies).principal,
      deployedResourcePolicies(iam),
    );

  it('is sufficient for a full pass (write, keep, delete) and a tag event', async () => {
    await freshWorld();
    const s3 = createS3Client({
      endpoint: world.endpoint,
      region: MODE_MAP.region,
      credentials: EMULATOR_CREDENTIALS,
      forcePathStyle: true,
      maxAttempts: 1,
    });
    // An account that left the organization: its object must go.
    const gone = 'modes/999999999999.json';
    await s3.send(new PutObjectCommand({ Bucket: MODE_MAP.bucket, Key: gone, Body: '{}' }));
    const account = world.account('enforced').accountId;
    await emulatorOrganizations(world.endpoint).send(
      new TagResourceCommand({
        ResourceId: account,
        Tags: [{ Key: 'sg-guard:mode', Value: 'off' }],
      }),
    );
    const publish = createPublisher(
      {
        region: MODE_MAP.region,
        bucket: MODE_MAP.bucket,
        bucketRegion: MODE_MAP.region,
        defaultMode: 'enforce',
        orgMaxAttempts: 1,
      },
      {
        clientSettings: {
          endpoint: recorder.endpoint,
          credentials: EMULATOR_CREDENTIALS,
          maxAttempts: 1,
          forcePathStyle: true,
          region: MODE_MAP.region,
        },
      },
    );
    const event = (detailType: string, source: string, detail: Record<string, unknown>) => ({
      version: '0',
      id: `iam-${detailType}`,
      'detail-type': detailType,
      source,
      account: world.organization.managementAccountId,
      time: new Date().toISOString(),
      region: MODE_MAP.region,
      resources: [],
      detail,
    });

    const full = await publish(event('Scheduled Event', 'aws.events', {}));
    const tagged = await publish(
      event('AWS API Call via CloudTrail', 'aws.organizations', {
        eventSource: 'organizations.amazonaws.com',
        eventName: 'TagResource',
        awsRegion: MODE_MAP.region,
        requestParameters: { resourceId: account, tags: [{ key: 'sg-guard:mode', value: 'off' }] },
      }),
    );

    expect([full.outcome, tagged.outcome]).toEqual(['done', 'done']);
    await expect(
      s3.send(new GetObjectCommand({ Bucket: MODE_MAP.bucket, Key: gone })),
    ).rejects.toThrow();
    const publisher = deployedModePublisher(iam);
    const naming = publisherNaming(iam, publisher, EMULATOR_CREDENTIALS.accessKeyId);
    requests = recorder.requests().flatMap((request) => iamRequestsOf(request, naming));
    expect(new Set(requests.map((request) => request.action))).toContain('s3:DeleteObject');
    expect(refusals(await evaluate())).toEqual([]);
  });

  it('grants exactly the actions the publisher calls, and what Lambda uses', () => {
    expect(requests.length).toBeGreaterThan(0);
    const used = new Set(requests.map((request) => request.action));
    const granted = deployedModePublisher(iam).principal.identityPolicies.flatMap((policy) =>
      policy.document.Statement.filter((s) => s.Effect === 'Allow').flatMap(actionsOf),
    );
    const unused = granted.filter((grant) => !used.has(grant) && !NOT_THE_HANDLERS.has(grant));
    const ungranted = [...used].filter(
      (action) => !granted.some((grant) => matches(grant, action)),
    );
    expect({ unused, ungranted }).toEqual({ unused: [], ungranted: [] });
  });

  it('refuses a call when any used action or any statement is removed', async () => {
    expect(requests.length).toBeGreaterThan(0);
    const policies = deployedModePublisher(iam).principal.identityPolicies;
    const survivors: string[] = [];
    for (const [p, policy] of policies.entries()) {
      for (const [s, statement] of policy.document.Statement.entries()) {
        const actions = actionsOf(statement).filter((action) => !NOT_THE_HANDLERS.has(action));
        const drops = [
          ...actions.map((action) => [action]),
          ...(actions.length > 1 ? [actions] : []),
        ];
        for (const drop of drops) {
          const changed = policies.map((candidate, index) =>
            index !== p
              ? candidate
              : {
                  ...candidate,
                  document: {
                    ...candidate.document,
                    Statement: candidate.document.Statement.flatMap((st, j) => {
                      if (j !== s) return [st];
                      const kept = actionsOf(st).filter((action) => !drop.includes(action));
                      return kept.length > 0 ? [{ ...st, Action: kept }] : [];
                    }),
                  },
                },
          );
          const decisions = await evaluate(changed, (request) => drop.includes(request.action));
          if (refusals(decisions).length === 0)
            survivors.push(`${statement.Sid ?? `#${s}`} without ${drop.join(',')}`);
        }
      }
    }
    expect(survivors).toEqual([]);
  });
});
