import { describeInboundRules, openSsh, SSH_SHAPES } from '@sg-guard/emulator';
import { beforeEach, describe, expect, it } from 'vitest';
import { directEvent } from '../../support/events.js';
import { added, expectOneNotice, readNotices, ruleLines } from '../../support/notices.js';
import { coldStart } from '../../support/remediator.js';
import { buildWorld, HOME_REGION, type World } from '../../support/world.js';

let world: World;
beforeEach(async () => {
  world = await buildWorld();
});

const STRATEGIES = ['narrow', 'revoke'] as const;
const exposed = SSH_SHAPES.filter((shape) => shape.exposed);
const notExposed = SSH_SHAPES.filter((shape) => !shape.exposed);

describe.each(STRATEGIES)('every exposing shape, strategy %s', (strategy) => {
  it.each(exposed)(
    '$name: leaves exactly the expected rules and mails what changed',
    async (shape) => {
      const account = world.account('enforced');
      const ec2 = account.ec2();
      const opened = await openSsh(ec2, shape);
      const remediator = await coldStart(world, { account: 'enforced', settings: { strategy } });

      await remediator.invoke(directEvent(opened.groupId));

      const after = await describeInboundRules(ec2, opened.groupId);
      expect(after).toEqual(opened.expectedAfter(strategy));
      const record = expectOneNotice(await readNotices(world), {
        action: 'remediated',
        mode: 'enforce',
        accountId: account.accountId,
        accountName: 'enforced',
        region: HOME_REGION,
        group: opened,
        trigger: 'direct',
        strategy,
      });
      expect(record.appliedStrategy).toBe(strategy);
      expect(ruleLines(record.exposures.map((exposure) => exposure.rule))).toEqual(opened.exposing);
      expect(record.exposures.every((exposure) => exposure.ports.includes(22))).toBe(true);
      expect(ruleLines(record.revoked)).toEqual(opened.exposing);
      expect(ruleLines(record.authorized)).toEqual(added(opened.rules, after));
    },
  );
});

describe.each(STRATEGIES)('every shape that is not exposed, strategy %s', (strategy) => {
  it.each(notExposed)('$name: changes nothing and mails nothing', async (shape) => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, shape);
    const remediator = await coldStart(world, { account: 'enforced', settings: { strategy } });

    await remediator.invoke(directEvent(opened.groupId));

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual(opened.rules);
    expect(await readNotices(world)).toEqual([]);
  });
});

describe('narrowing protocol -1 from the world', () => {
  it('says in the record which protocols it no longer allows', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'all-traffic-world');
    const remediator = await coldStart(world, { account: 'enforced' });

    await remediator.invoke(directEvent(opened.groupId));

    const [notice] = await readNotices(world);
    expect(notice?.record?.dropped).toHaveLength(1);
    expect(notice?.record?.dropped[0]).toMatch(/GRE/);
  });
});

describe('guarding more ports than 22', () => {
  it('narrows tcp 0-65535 around each guarded port', async () => {
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-all-ports-world');
    const remediator = await coldStart(world, {
      account: 'enforced',
      settings: { ports: '22,3389' },
    });

    await remediator.invoke(directEvent(opened.groupId));

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual([
      'tcp 0-21 0.0.0.0/0',
      'tcp 23-3388 0.0.0.0/0',
      'tcp 3390-65535 0.0.0.0/0',
    ]);
    const [notice] = await readNotices(world);
    expect(notice?.record?.exposures.map((exposure) => exposure.ports)).toEqual([[22, 3389]]);
  });
});
