import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import {
  createPrefixList,
  createSecurityGroup,
  describeInboundRules,
  openSsh,
} from '@sg-guard/emulator';
import { buildText, MAX_MESSAGE_BYTES } from '@sg-guard/remediation-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { readNotices, ruleLines } from '../../support/notices.js';
import { coldStart } from '../../support/remediator.js';
import { buildWorld, type World } from '../../support/world.js';
import { deliver, eventOf, inspector, scheduledEvent, targetOf } from './support.js';

let world: World;
let proxy: FaultProxy;
beforeEach(async () => {
  world = await buildWorld();
  proxy = await startFaultProxy({
    target: world.endpoint,
    seed: 4,
    captureBodies: ['sns:Publish'],
  });
});
afterEach(async () => {
  await proxy.close();
});

const SNS_LIMIT_BYTES = 256 * 1024;

describe('a publish that keeps failing until the faults stop', () => {
  it('leaves the change applied and pending in the ledger, and the sweep mails it exactly once', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-all-ports-world');
    proxy.setFaults([{ actions: ['sns:Publish'], fault: 'throttle' }]);
    const remediator = await coldStart(world, { account: 'enforced', endpoint: proxy.endpoint });
    const event = eventOf('direct', targetOf(world, 'enforced', opened.groupId), '');

    const delivery = await deliver(() => remediator, event);

    // The first attempt changed the group and could not publish: it threw for Lambda to retry.
    expect(delivery.errors[0]).toMatchObject({ name: 'NoticeNotPublishedError' });
    expect(await describeInboundRules(ec2, opened.groupId)).toEqual(opened.expectedAfter('narrow'));
    expect(await readNotices(world)).toEqual([]);
    const look = inspector(world, 'enforced');
    const [pending, ...others] = await look.ledger.listUnfinished();
    expect(others).toEqual([]);
    expect(pending).toMatchObject({ groupId: opened.groupId, state: 'applied' });
    const record = pending?.entry?.record;
    if (!record) throw new Error('the pending entry carries no record');
    expect(ruleLines(record.revoked)).toEqual(['tcp 0-65535 0.0.0.0/0']);
    expect((await look.entries(opened.groupId)).map((entry) => entry.status)).toEqual(['applied']);
    // Every publish was throttled; each one had the SDK's three attempts.
    expect(proxy.count('sns:Publish') % 3).toBe(0);
    expect(proxy.injected()['sns:Publish throttle']).toBe(proxy.count('sns:Publish'));

    proxy.clearFaults();
    await remediator.invoke(scheduledEvent(remediator.accountId));
    await remediator.invoke(scheduledEvent(remediator.accountId));

    const notices = await readNotices(world);
    expect(notices.map((notice) => notice.record)).toEqual([record]);
    expect(await look.ledger.listUnfinished()).toEqual([]);
    const entries = await look.entries(opened.groupId);
    expect(entries.map((entry) => entry.status)).toEqual(['published']);
    expect(entries[0]?.record).toEqual(record);
  });
});

describe('a notice larger than SNS takes', () => {
  it('is published under 256 KB, the mail says how much it left out, and the ledger keeps the whole record', async () => {
    const ec2 = world.account('enforced').ec2();
    const group = await createSecurityGroup(ec2, { groupName: 'oversize' });
    // Every rule opens tcp 22 to the world: 60 CIDR rules (moto's quota) with descriptions of
    // AWS's maximum length (255 characters), then 150 through world prefix lists in one call
    // (moto counts only what a call adds by CIDR or group against its quota, and keeps no
    // description on a prefix-list rule; AWS counts each list's max entries, 1 here, against a
    // quota that accounts can raise).
    const description = (index: number) => `rule ${index} `.padEnd(255, 'x');
    for (let index = 0; index < 60; index += 1) {
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: group.groupId,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: index % 20,
              ToPort: 22 + Math.floor(index / 20),
              IpRanges: [{ CidrIp: '0.0.0.0/0', Description: description(index) }],
            },
          ],
        }),
      );
    }
    // One at a time: moto's EC2 backend is not thread-safe.
    const lists: string[] = [];
    for (let index = 0; index < 150; index += 1) {
      lists.push(await createPrefixList(ec2, { name: `oversize-world-${index}` }));
    }
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group.groupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            PrefixListIds: lists.map((PrefixListId, index) => ({
              PrefixListId,
              Description: description(60 + index),
            })),
          },
        ],
      }),
    );
    expect(await describeInboundRules(ec2, group.groupId)).toHaveLength(210);
    const remediator = await coldStart(world, {
      account: 'enforced',
      endpoint: proxy.endpoint,
      settings: { strategy: 'revoke' },
    });

    await remediator.invoke(eventOf('direct', targetOf(world, 'enforced', group.groupId), ''));

    expect(await describeInboundRules(ec2, group.groupId)).toEqual([]);
    const published = proxy.log().filter((call) => call.action === 'sns:Publish');
    expect(published).toHaveLength(1);
    const form = new URLSearchParams(published[0]?.body ?? '');
    const message = form.get('Message') ?? '';
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(Buffer.byteLength(message)).toBeLessThan(SNS_LIMIT_BYTES);
    const { email } = JSON.parse(message) as { email: string; default: string };
    // The whole notice would not fit: the mail lists some rules and says how many it left out.
    expect(email).toMatch(/… and \d+ more \(all of them are in the record\)/);
    const left = [...email.matchAll(/… and (\d+) more/g)].map((match) => Number(match[1]));
    expect(left.every((count) => count > 0)).toBe(true);
    const notices = await readNotices(world);
    expect(notices).toHaveLength(1);
    const [entry, ...others] = await inspector(world, 'enforced').entries(group.groupId);
    expect(others).toEqual([]);
    expect(entry?.status).toBe('published');
    // The ledger keeps the whole record: every rule revoked, descriptions and all.
    expect(entry?.record?.revoked).toHaveLength(210);
    const described = entry?.record?.revoked.filter((rule) => rule.description !== undefined);
    expect(described?.map((rule) => rule.description?.length)).toEqual(Array(60).fill(255));
    // Unshortened, this notice would be over what SNS takes.
    const record = entry?.record;
    if (!record) throw new Error('the ledger entry has no record');
    const whole = JSON.stringify({ default: JSON.stringify(record), email: buildText(record) });
    expect(Buffer.byteLength(whole)).toBeGreaterThan(SNS_LIMIT_BYTES);
    // What reached the queue is that record, or (if even it is too large) a pointer to it.
    const delivered = notices[0]?.record as unknown as Record<string, unknown>;
    if (delivered.truncated === true) {
      expect(delivered).toMatchObject({ recordId: entry?.recordId, groupId: group.groupId });
    } else expect(delivered).toEqual(entry?.record);
  });
});
