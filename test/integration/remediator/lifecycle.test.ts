import {
  AuthorizeSecurityGroupIngressCommand,
  DeleteSecurityGroupCommand,
} from '@aws-sdk/client-ec2';
import { describeInboundRules, openSsh } from '@sg-guard/emulator';
import { beforeEach, describe, expect, it } from 'vitest';
import { configEventBridgeEvent, directEvent } from '../../support/events.js';
import { expectOneNotice, readNotices } from '../../support/notices.js';
import { coldStart } from '../../support/remediator.js';
import { buildWorld, HOME_REGION, type World } from '../../support/world.js';

let world: World;
beforeEach(async () => {
  world = await buildWorld();
});

describe('a second event for a group already remediated', () => {
  it('changes nothing and sends no second notice, on the same warm container', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'all-traffic-world');
    const remediator = await coldStart(world, { account: 'enforced' });
    await remediator.invoke(directEvent(opened.groupId));
    const afterFirst = await describeInboundRules(ec2, opened.groupId);
    const firstNotices = await readNotices(world);

    await remediator.invoke(directEvent(opened.groupId));

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual(afterFirst);
    expect(afterFirst).toEqual(opened.expectedAfter('narrow'));
    expect(firstNotices).toHaveLength(1);
    expect(await readNotices(world)).toEqual([]);
  });

  it('changes nothing and sends no notice on a fresh container either', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-all-ports-world');
    const target = {
      groupId: opened.groupId,
      accountId: world.account('enforced').accountId,
      region: HOME_REGION,
    };
    await (await coldStart(world, { account: 'enforced' })).invoke(configEventBridgeEvent(target));
    const afterFirst = await describeInboundRules(ec2, opened.groupId);
    await readNotices(world);

    await (await coldStart(world, { account: 'enforced' })).invoke(configEventBridgeEvent(target));

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual(afterFirst);
    expect(await readNotices(world)).toEqual([]);
  });

  it('does not mail the same would-remediate twice from a notify account', async () => {
    const opened = await openSsh(world.account('notified').ec2(), 'tcp-22-world-v4');
    const remediator = await coldStart(world, { account: 'notified' });
    await remediator.invoke(directEvent(opened.groupId));

    await remediator.invoke(directEvent(opened.groupId));

    expect((await readNotices(world)).map((notice) => notice.record?.action)).toEqual([
      'would-remediate',
    ]);
  });
});

describe('a group that no longer exists', () => {
  it('is logged and not mailed, and the invocation does not fail', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-22-world-v4');
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: opened.groupId }));
    const remediator = await coldStart(world, { account: 'enforced' });

    await remediator.invoke(directEvent(opened.groupId));

    expect(await readNotices(world)).toEqual([]);
  });
});

describe('narrowing near the rule quota', () => {
  it('falls back to revoking when the narrowed rules would pass 60 rules, and says so', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-all-ports-world');
    // 58 private rules + the exposing one = 59; narrowing would add 2 before revoking (peak 61).
    const privateRanges = Array.from({ length: 58 }, (_, index) => ({
      CidrIp: `10.1.${index}.0/24`,
    }));
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: opened.groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: privateRanges }],
      }),
    );
    const remediator = await coldStart(world, { account: 'enforced' });

    await remediator.invoke(directEvent(opened.groupId));

    const expected = privateRanges.map((range) => `tcp 443 ${range.CidrIp}`).sort();
    expect(await describeInboundRules(ec2, opened.groupId)).toEqual(expected);
    const [notice] = await readNotices(world);
    expect(notice?.record).toMatchObject({
      strategy: 'narrow',
      appliedStrategy: 'revoke',
      authorized: [],
    });
    expect(notice?.record?.fallbackReason).toMatch(/quota/);
  });
});

describe('a member in another region than the central topic', () => {
  it('remediates in its own region and still reaches the central inbox', async () => {
    const region = 'us-east-2';
    const account = world.account('enforced');
    const ec2 = account.ec2(region);
    const opened = await openSsh(ec2, 'tcp-22-world-v6');
    const remediator = await coldStart(world, { account: 'enforced', region });

    await remediator.invoke(directEvent(opened.groupId));

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual([]);
    expectOneNotice(await readNotices(world), {
      action: 'remediated',
      mode: 'enforce',
      accountId: account.accountId,
      accountName: 'enforced',
      region,
      group: opened,
      trigger: 'direct',
      strategy: 'narrow',
    });
  });
});
