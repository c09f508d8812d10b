import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describeInboundRules, emulatorDynamoDb, openSsh } from '@sg-guard/emulator';
import { LEDGER_TABLE } from '@sg-guard/remediation-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { readNotices } from '../../support/notices.js';
import { coldStart } from '../../support/remediator.js';
import { buildWorld, HOME_REGION, type World } from '../../support/world.js';
import { deliver, eventOf, inspector, scheduledEvent, targetOf } from './support.js';

let world: World;
let proxy: FaultProxy;
beforeEach(async () => {
  world = await buildWorld();
  proxy = await startFaultProxy({ target: world.endpoint, seed: 6 });
});
afterEach(async () => {
  await proxy.close();
});

describe('a ledger close that fails after the notice went out', () => {
  it('never mails the same change twice, even once the lease has expired', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-22-world-v4');
    // The close (one transaction) is throttled on all three of the SDK's attempts; the run
    // retries the close itself because its notice is already out.
    proxy.setFaults([{ actions: ['dynamodb:TransactWriteItems'], fault: 'throttle', limit: 3 }]);
    const remediator = await coldStart(world, { account: 'enforced', endpoint: proxy.endpoint });

    const delivery = await deliver(
      () => remediator,
      eventOf('direct', targetOf(world, 'enforced', opened.groupId), ''),
    );

    expect(delivery.errors).toEqual([]);
    expect(await describeInboundRules(ec2, opened.groupId)).toEqual([]);
    const first = await readNotices(world);
    expect(first.map((notice) => notice.record?.action)).toEqual(['remediated']);
    const heads = await inspector(world, 'enforced').ledger.listUnfinished();
    expect(heads).toEqual([]);
    // Two minutes later (the lease, twice the function's timeout, has run out):
    const { credentials } = world.account('enforced');
    await emulatorDynamoDb(world.endpoint, { credentials, region: HOME_REGION }).send(
      new UpdateItemCommand({
        TableName: LEDGER_TABLE.name,
        Key: { pk: { S: LEDGER_TABLE.headPartition }, sk: { S: opened.groupId } },
        UpdateExpression: 'SET leaseExpiresAt = :zero',
        ExpressionAttributeValues: { ':zero': { N: '0' } },
      }),
    );
    await remediator.invoke(scheduledEvent(remediator.accountId));

    // readNotices drains the inbox: nothing new after the first mail.
    expect(await readNotices(world)).toEqual([]);
  });
});
