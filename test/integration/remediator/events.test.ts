import {
  AuthorizeSecurityGroupIngressCommand,
  ModifySecurityGroupRulesCommand,
} from '@aws-sdk/client-ec2';
import {
  createSecurityGroup,
  describeInboundRuleDetails,
  describeInboundRules,
  type OpenedGroup,
  openSsh,
} from '@sg-guard/emulator';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  actorArn,
  cloudTrailAuthorizeByNameEvent,
  cloudTrailAuthorizeEvent,
  cloudTrailModifyEvent,
  configEventBridgeEvent,
  configSnsEvent,
  directEvent,
  type EventTarget,
} from '../../support/events.js';
import { expectOneNotice, readNotices } from '../../support/notices.js';
import { coldStart } from '../../support/remediator.js';
import { buildWorld, HOME_REGION, type World } from '../../support/world.js';

let world: World;
beforeEach(async () => {
  world = await buildWorld();
});

/** Opens `tcp 22 from 0.0.0.0/0` next to a rule that must survive, in the `enforced` account. */
async function exposedGroup(): Promise<{
  opened: OpenedGroup;
  target: EventTarget;
  ruleId: string;
}> {
  const ec2 = world.account('enforced').ec2();
  const opened = await openSsh(ec2, 'private-and-world');
  const details = await describeInboundRuleDetails(ec2, opened.groupId);
  const world22 = details.find((rule) => rule.CidrIpv4 === '0.0.0.0/0');
  const target = {
    groupId: opened.groupId,
    accountId: world.account('enforced').accountId,
    region: HOME_REGION,
  };
  return { opened, target, ruleId: world22?.SecurityGroupRuleId ?? '' };
}

function expectRemediated(
  opened: Pick<OpenedGroup, 'groupId' | 'groupName' | 'vpcId'>,
  notices: Awaited<ReturnType<typeof readNotices>>,
  trigger: 'config-sns' | 'config-eventbridge' | 'cloudtrail' | 'direct',
) {
  return expectOneNotice(notices, {
    action: 'remediated',
    mode: 'enforce',
    accountId: world.account('enforced').accountId,
    accountName: 'enforced',
    region: HOME_REGION,
    group: opened,
    trigger,
    strategy: 'narrow',
  });
}

describe('each accepted event kind remediates the group it names', () => {
  it('the SNS-delivered Config compliance change (shared fixture)', async () => {
    const { opened, target } = await exposedGroup();
    const remediator = await coldStart(world, { account: 'enforced' });

    await remediator.invoke(configSnsEvent(target));

    expect(await describeInboundRules(world.account('enforced').ec2(), opened.groupId)).toEqual([
      'tcp 22 10.0.0.0/8',
    ]);
    const record = expectRemediated(opened, await readNotices(world), 'config-sns');
    expect(record.eventId).toBe('95df01b4-ee98-5cb9-9903-4c221d41eb5e');
  });

  it('the EventBridge Config Rules Compliance Change', async () => {
    const { opened, target } = await exposedGroup();
    const remediator = await coldStart(world, { account: 'enforced' });

    await remediator.invoke(configEventBridgeEvent(target));

    expect(await describeInboundRules(world.account('enforced').ec2(), opened.groupId)).toEqual([
      'tcp 22 10.0.0.0/8',
    ]);
    const record = expectRemediated(opened, await readNotices(world), 'config-eventbridge');
    expect(record.eventId).toBe('a3c5f1e2-7b2d-4c1e-9a8f-1b2c3d4e5f60');
  });

  it('CloudTrail AuthorizeSecurityGroupIngress by group id, naming the actor', async () => {
    const { opened, target, ruleId } = await exposedGroup();
    const remediator = await coldStart(world, { account: 'enforced' });
    const event = cloudTrailAuthorizeEvent(target, {
      fromPort: 22,
      toPort: 22,
      cidr: '0.0.0.0/0',
      ruleId,
    });

    await remediator.invoke(event);

    expect(await describeInboundRules(world.account('enforced').ec2(), opened.groupId)).toEqual([
      'tcp 22 10.0.0.0/8',
    ]);
    const record = expectRemediated(opened, await readNotices(world), 'cloudtrail');
    expect(record.actor).toBe(actorArn(target.accountId));
  });

  it('CloudTrail AuthorizeSecurityGroupIngress naming a default-VPC group by name only', async () => {
    const account = world.account('enforced');
    const ec2 = account.ec2();
    const group = await createSecurityGroup(ec2, { groupName: 'launch-wizard-1' });
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupName: 'launch-wizard-1',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    const remediator = await coldStart(world, { account: 'enforced' });

    await remediator.invoke(
      cloudTrailAuthorizeByNameEvent({
        groupName: 'launch-wizard-1',
        accountId: account.accountId,
        region: HOME_REGION,
      }),
    );

    expect(await describeInboundRules(ec2, group.groupId)).toEqual([]);
    expectRemediated(group, await readNotices(world), 'cloudtrail');
  });

  it('CloudTrail ModifySecurityGroupRules that turned a private rule into tcp 22 from the world', async () => {
    const account = world.account('enforced');
    const ec2 = account.ec2();
    const opened = await openSsh(ec2, 'tcp-23-25-world', { groupName: 'modified' });
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: opened.groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        ],
      }),
    );
    const rule80 = (await describeInboundRuleDetails(ec2, opened.groupId)).find(
      (r) => r.FromPort === 80,
    );
    const ruleId = rule80?.SecurityGroupRuleId ?? '';
    const changed = { fromPort: 22, toPort: 22, cidr: '0.0.0.0/0', ruleId };
    await ec2.send(
      new ModifySecurityGroupRulesCommand({
        GroupId: opened.groupId,
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: ruleId,
            SecurityGroupRule: {
              IpProtocol: 'tcp',
              FromPort: 22,
              ToPort: 22,
              CidrIpv4: '0.0.0.0/0',
            },
          },
        ],
      }),
    );
    const remediator = await coldStart(world, { account: 'enforced' });
    const target = { groupId: opened.groupId, accountId: account.accountId, region: HOME_REGION };

    await remediator.invoke(cloudTrailModifyEvent(target, changed));

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual(['tcp 23-25 0.0.0.0/0']);
    const record = expectRemediated(opened, await readNotices(world), 'cloudtrail');
    expect(record.revoked.map((rule) => rule.ruleId)).toEqual([ruleId]);
  });

  it('a direct invocation with the group id', async () => {
    const { opened } = await exposedGroup();
    const remediator = await coldStart(world, { account: 'enforced' });

    await remediator.invoke(directEvent(opened.groupId));

    expect(await describeInboundRules(world.account('enforced').ec2(), opened.groupId)).toEqual([
      'tcp 22 10.0.0.0/8',
    ]);
    expectRemediated(opened, await readNotices(world), 'direct');
  });
});

describe('events that are recognised and deliberately not acted on', () => {
  it('a CloudTrail call that failed leaves the group as it is, without a notice', async () => {
    const { opened, target, ruleId } = await exposedGroup();
    const remediator = await coldStart(world, { account: 'enforced' });
    const failed = cloudTrailAuthorizeEvent(
      target,
      { fromPort: 22, toPort: 22, cidr: '0.0.0.0/0', ruleId },
      { errorCode: 'Client.UnauthorizedOperation' },
    );

    await remediator.invoke(failed);

    expect(await describeInboundRules(world.account('enforced').ec2(), opened.groupId)).toEqual(
      opened.rules,
    );
    expect(await readNotices(world)).toEqual([]);
  });

  it("a finding about another account's group (the function acts only in its own account)", async () => {
    const { opened, target } = await exposedGroup();
    const remediator = await coldStart(world, { account: 'enforced' });
    const elsewhere = { ...target, accountId: world.account('notified').accountId };

    await remediator.invoke(configEventBridgeEvent(elsewhere));

    expect(await describeInboundRules(world.account('enforced').ec2(), opened.groupId)).toEqual(
      opened.rules,
    );
    expect(await readNotices(world)).toEqual([]);
  });

  it('a Config message of another type over SNS', async () => {
    const { opened, target } = await exposedGroup();
    const event = configSnsEvent(target);
    const records = event.Records as { Sns: { Message: string } }[];
    const [record] = records;
    if (!record) throw new Error('the SNS fixture lost its record');
    const message = JSON.parse(record.Sns.Message) as Record<string, unknown>;
    record.Sns.Message = JSON.stringify({
      ...message,
      messageType: 'ConfigurationHistoryDeliveryCompleted',
    });
    const remediator = await coldStart(world, { account: 'enforced' });

    await remediator.invoke(event);

    expect(await describeInboundRules(world.account('enforced').ec2(), opened.groupId)).toEqual(
      opened.rules,
    );
    expect(await readNotices(world)).toEqual([]);
  });
});

describe('a malformed event', () => {
  it.each([
    ['an object of no known kind', { hello: 'world' }],
    ['a direct invocation whose group id is not one', { groupId: 'web-servers' }],
    [
      'an SNS record whose message is not JSON',
      { Records: [{ EventSource: 'aws:sns', Sns: { Message: '{' } }] },
    ],
    ['null', null],
  ])('does not throw for %s, and changes and mails nothing', async (_name, event) => {
    const { opened } = await exposedGroup();
    const remediator = await coldStart(world, { account: 'enforced' });

    // A throw would make Lambda retry an event that can never succeed.
    await remediator.invoke(event);

    expect(await describeInboundRules(world.account('enforced').ec2(), opened.groupId)).toEqual(
      opened.rules,
    );
    expect(await readNotices(world)).toEqual([]);
  });
});
