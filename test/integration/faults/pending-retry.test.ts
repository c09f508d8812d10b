import { describeInboundRules, openSsh } from '@sg-guard/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { readNotices } from '../../support/notices.js';
import { coldStart } from '../../support/remediator.js';
import { buildWorld, type World } from '../../support/world.js';
import { deliver, eventOf, inspector, targetOf } from './support.js';

let world: World;
let proxy: FaultProxy;
beforeEach(async () => {
  world = await buildWorld();
  proxy = await startFaultProxy({ target: world.endpoint, seed: 5 });
});
afterEach(async () => {
  await proxy.close();
});

describe('an applied entry whose publish failed once', () => {
  it('is published by the retry of the same event', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-22-world-v4');
    // Exactly the SDK's three attempts of the first publish are throttled.
    proxy.setFaults([{ actions: ['sns:Publish'], fault: 'throttle', limit: 3 }]);
    const remediator = await coldStart(world, { account: 'enforced', endpoint: proxy.endpoint });
    const event = eventOf('direct', targetOf(world, 'enforced', opened.groupId), '');

    const delivery = await deliver(() => remediator, event);

    expect(delivery.errors[0]).toMatchObject({ name: 'NoticeNotPublishedError' });
    expect(await describeInboundRules(ec2, opened.groupId)).toEqual([]);
    expect((await readNotices(world)).map((notice) => notice.record?.action)).toEqual([
      'remediated',
    ]);
    expect(await inspector(world, 'enforced').ledger.listUnfinished()).toEqual([]);
  });

  it('is published by the next event for the group', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-22-world-v4');
    proxy.setFaults([{ actions: ['sns:Publish'], fault: 'throttle', limit: 3 }]);
    const remediator = await coldStart(world, { account: 'enforced', endpoint: proxy.endpoint });
    const target = targetOf(world, 'enforced', opened.groupId);
    await expect(remediator.invoke(eventOf('direct', target, ''))).rejects.toMatchObject({
      name: 'NoticeNotPublishedError',
    });

    await remediator.invoke(eventOf('config-eventbridge', target, ''));

    expect((await readNotices(world)).map((notice) => notice.record?.action)).toEqual([
      'remediated',
    ]);
    expect(await inspector(world, 'enforced').ledger.listUnfinished()).toEqual([]);
  });
});
