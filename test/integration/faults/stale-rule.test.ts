import { ModifySecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import {
  describeInboundRuleDetails,
  describeInboundRules,
  type OpenedGroup,
  openSsh,
} from '@sg-guard/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { readNotices, ruleLines } from '../../support/notices.js';
import { coldStart } from '../../support/remediator.js';
import { buildWorld, type World } from '../../support/world.js';
import { deliver, eventOf, inspector, targetOf } from './support.js';

let world: World;
let proxy: FaultProxy;
beforeEach(async () => {
  world = await buildWorld();
  proxy = await startFaultProxy({ target: world.endpoint, seed: 2 });
});
afterEach(async () => {
  await proxy.close();
});

/** What the owner turns the exposing rule into, and what must be left once sg-guard is done. */
interface Edit {
  readonly name: string;
  readonly rule: { IpProtocol: string; FromPort: number; ToPort: number; CidrIpv4: string };
  /** The group's rules at the end (the owner's rule as edited, narrowed only if still open). */
  readonly after: readonly string[];
  /** What the one `remediated` notice reports; none when nothing needs changing any more. */
  readonly notice?: { readonly revoked: readonly string[]; readonly authorized: readonly string[] };
}

const EDITS: readonly Edit[] = [
  {
    name: 'to tcp 443 from the world (no longer SSH)',
    rule: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' },
    after: ['tcp 443 0.0.0.0/0'],
  },
  {
    name: 'to tcp 22 from 10.0.0.0/8 (no longer the world)',
    rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8' },
    after: ['tcp 22 10.0.0.0/8'],
  },
  {
    name: 'to tcp 0-65535 from 10.0.0.0/8 (all ports, private)',
    rule: { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIpv4: '10.0.0.0/8' },
    after: ['tcp 0-65535 10.0.0.0/8'],
  },
  {
    name: 'to tcp 20-30 from the world (another range that still opens 22)',
    rule: { IpProtocol: 'tcp', FromPort: 20, ToPort: 30, CidrIpv4: '0.0.0.0/0' },
    after: ['tcp 20-21 0.0.0.0/0', 'tcp 23-30 0.0.0.0/0'],
    notice: {
      revoked: ['tcp 20-30 0.0.0.0/0'],
      authorized: ['tcp 20-21 0.0.0.0/0', 'tcp 23-30 0.0.0.0/0'],
    },
  },
];

// tcp-22-world-v4: the first change is the revoke. tcp-all-ports-world: the narrowing is
// authorized first, so the edit lands between the authorize and the revoke. all-traffic-world:
// the same with tcp/udp/icmp narrowings.
const SHAPES = ['tcp-22-world-v4', 'tcp-all-ports-world', 'all-traffic-world'] as const;

/** Opens the shape and arms the proxy to edit its exposing rule before the first change. */
async function openAndArm(
  shape: string,
  edit: Edit,
): Promise<{ opened: OpenedGroup; edits: () => number }> {
  const ec2 = world.account('enforced').ec2();
  const opened = await openSsh(ec2, shape);
  const [exposing] = await describeInboundRuleDetails(ec2, opened.groupId);
  const ruleId = exposing?.SecurityGroupRuleId as string;
  let edits = 0;
  proxy.before({
    actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
    run: async () => {
      await ec2.send(
        new ModifySecurityGroupRulesCommand({
          GroupId: opened.groupId,
          SecurityGroupRules: [{ SecurityGroupRuleId: ruleId, SecurityGroupRule: edit.rule }],
        }),
      );
      edits += 1;
    },
  });
  return { opened, edits: () => edits };
}

describe('the owner edits the exposing rule between sg-guard reading it and changing it', () => {
  for (const shape of SHAPES) {
    for (const edit of EDITS) {
      it(`${shape}, edited ${edit.name}: the edit survives, no narrowing stays open, the mail tells only what happened`, async () => {
        const { opened, edits } = await openAndArm(shape, edit);
        const remediator = await coldStart(world, {
          account: 'enforced',
          endpoint: proxy.endpoint,
        });
        const event = eventOf('direct', targetOf(world, 'enforced', opened.groupId), '');

        const delivery = await deliver(() => remediator, event);

        expect(delivery).toMatchObject({ attempts: 1, succeeded: true });
        // The owner's edit happened once, just before sg-guard's first change.
        expect(edits()).toBe(1);
        const look = inspector(world, 'enforced');
        expect(await describeInboundRules(look.ec2, opened.groupId)).toEqual([...edit.after]);
        expect((await look.assess(opened.groupId)).verdict).not.toBe('EXPOSED');
        const notices = await readNotices(world);
        const entries = await look.entries(opened.groupId);
        if (!edit.notice) {
          // Nothing changed in the end (what was authorized for the old rule was taken back).
          expect(notices).toEqual([]);
          expect(entries.map((entry) => entry.status)).toEqual(['void']);
          expect(entries[0]?.applied).toEqual({ revoked: [], authorized: [] });
          return;
        }
        expect(notices.map((notice) => notice.record?.action)).toEqual(['remediated']);
        const record = notices[0]?.record;
        if (!record) throw new Error('no record');
        expect(ruleLines(record.revoked)).toEqual([...edit.notice.revoked]);
        expect(ruleLines(record.authorized.filter((rule) => rule.created))).toEqual([
          ...edit.notice.authorized,
        ]);
        expect(ruleLines(record.exposures.map((exposure) => exposure.rule))).toEqual([
          ...edit.notice.revoked,
        ]);
        expect(entries.filter((entry) => entry.status === 'published')).toHaveLength(1);
        expect(entries.find((entry) => entry.status === 'published')?.record).toEqual(record);
      });
    }
  }
});
