/**
 * ModifyManagedPrefixList can open every group that references a list, without any call on a
 * group: the fast path takes the list id from the CloudTrail event and checks each referencing
 * group of the account-region with the list's fresh entries.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  ModifyManagedPrefixListCommand,
} from '@aws-sdk/client-ec2';
import { createPrefixList, describeInboundRules } from '@sg-guard/emulator';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudTrailModifyPrefixListEvent } from '../../support/events.js';
import { readNotices } from '../../support/notices.js';
import { coldStart } from '../../support/remediator.js';
import { buildWorld, HOME_REGION, type World } from '../../support/world.js';

let world: World;
beforeEach(async () => {
  world = await buildWorld();
});

/** A list of office ranges, and two groups: one lets the list reach SSH, one does not use it. */
async function estate() {
  const account = world.account('enforced');
  const ec2 = account.ec2();
  const prefixListId = await createPrefixList(ec2, { name: 'offices', cidrs: ['192.0.2.0/24'] });
  const group = async (name: string) =>
    (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: name, Description: 'prefix list test' }),
      )
    ).GroupId as string;
  const referencing = await group('via-prefix-list');
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: referencing,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          PrefixListIds: [{ PrefixListId: prefixListId }],
        },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    }),
  );
  const other = await group('not-referencing');
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: other,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
      ],
    }),
  );
  const addToList = async (cidr: string) =>
    ec2.send(
      new ModifyManagedPrefixListCommand({
        PrefixListId: prefixListId,
        CurrentVersion: 1,
        AddEntries: [{ Cidr: cidr }],
      }),
    );
  const event = (cidr: string) =>
    cloudTrailModifyPrefixListEvent(
      { accountId: account.accountId, region: HOME_REGION },
      prefixListId,
      cidr,
    );
  return { ec2, prefixListId, referencing, other, addToList, event };
}

describe('the prefix-list trigger', () => {
  it('closes a referencing group once its prefix list gains 0.0.0.0/0, and leaves the others', async () => {
    // Prepare
    const { ec2, prefixListId, referencing, other, addToList, event } = await estate();
    const otherBefore = await describeInboundRules(ec2, other);
    const remediator = await coldStart(world, { account: 'enforced' });
    // A warm container that read the list before it changed must not use its cached entries.
    await remediator.invoke({ groupId: referencing });
    await addToList('0.0.0.0/0');

    // Act
    await remediator.invoke(event('0.0.0.0/0'));

    // Assess
    expect(await describeInboundRules(ec2, referencing)).toEqual(['tcp 443 0.0.0.0/0']);
    expect(await describeInboundRules(ec2, other)).toEqual(otherBefore);
    const notices = await readNotices(world);
    expect(notices.map((notice) => [notice.record?.action, notice.record?.groupId])).toEqual([
      ['remediated', referencing],
    ]);
    expect(notices[0]?.record?.revoked).toEqual([
      expect.objectContaining({ source: { kind: 'prefix-list', prefixListId } }),
    ]);
  });

  it('changes nothing and mails nothing when the list gains a private range', async () => {
    // Prepare
    const { ec2, referencing, addToList, event } = await estate();
    const before = await describeInboundRules(ec2, referencing);
    await addToList('10.0.0.0/8');
    const remediator = await coldStart(world, { account: 'enforced' });

    // Act
    await remediator.invoke(event('10.0.0.0/8'));

    // Assess
    expect(await describeInboundRules(ec2, referencing)).toEqual(before);
    expect(await readNotices(world)).toEqual([]);
  });
});
