import { describe, expect, it } from 'vitest';
import {
  type Finding,
  type GroupSnapshot,
  InMemoryLedger,
  type Mode,
  RecentNotices,
  type RemediationSettings,
  remediateFinding,
} from '../../../src/index.js';
import { allTraffic, prefixList, tcp, v4 } from '../../fixtures/rule-builders.js';
import {
  DeniedError,
  FixedPolicies,
  InMemoryEc2,
  MissingGroupError,
  Outbox,
  ThrottleError,
} from './fakes.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const GROUP_ID = 'sg-0123456789abcdef0';
const finding: Finding = { groupId: GROUP_ID, trigger: 'direct' };
const narrow: RemediationSettings = {
  ports: [22],
  strategy: 'narrow',
  allowGroupExemptions: false,
};

function exposedGroup(extra: Partial<GroupSnapshot> = {}): GroupSnapshot {
  return {
    groupId: GROUP_ID,
    groupName: 'web',
    vpcId: 'vpc-1',
    rules: [tcp(0, 65535, v4('0.0.0.0/0'), 'sgr-world'), tcp(22, 22, v4('10.0.0.0/8'), 'sgr-lan')],
    ...extra,
  };
}

/** Everything one run needs; `clock` can be moved between runs. */
function world(mode: Mode, group: GroupSnapshot | null = exposedGroup()) {
  const ec2 = group ? new InMemoryEc2(group) : new InMemoryEc2();
  const policies = new FixedPolicies(mode);
  const outbox = new Outbox();
  const clock = { now: new Date('2030-06-01T12:00:00Z') };
  const recentNotices = new RecentNotices();
  const ledger = new InMemoryLedger();
  let ids = 0;
  const run = (settings: RemediationSettings = narrow, event: Finding = finding) =>
    remediateFinding(event, { groups: ec2, policies, notices: outbox, ledger }, settings, {
      accountId: ACCOUNT,
      region: REGION,
      now: () => clock.now,
      newRecordId: () => `record-${++ids}`,
      recentNotices,
    });
  return { ec2, policies, outbox, clock, ledger, run };
}

const ports = (rules: readonly { fromPort: number; toPort: number; source: unknown }[]) =>
  rules.map((rule) => `${rule.fromPort}-${rule.toPort} ${JSON.stringify(rule.source)}`).sort();

describe('remediateFinding: what is not acted on', () => {
  it('skips an account in mode off: the group read alongside the mode is dropped, nothing changes', async () => {
    // Prepare
    const { ec2, outbox, run } = world('off');

    // Act
    const outcome = await run();

    // Assess
    expect(outcome).toMatchObject({ outcome: 'skipped-off', mode: 'off', groupId: GROUP_ID });
    expect(outcome.exposures).toEqual([]);
    expect(ec2.calls).toEqual(['loadGroup']);
    expect(outbox.notices).toEqual([]);
  });

  it('in mode off, a group read that fails is dropped with it: no error, nothing sent', async () => {
    // Prepare
    const { ec2, outbox, run } = world('off');
    ec2.failures.loadGroup = new ThrottleError('ec2 throttled');

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('skipped-off');
    expect(outbox.notices).toEqual([]);
  });

  it('sends nothing when the group no longer exists', async () => {
    // Prepare
    const { outbox, run } = world('enforce', null);

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('group-not-found');
    expect(outbox.notices).toEqual([]);
  });

  it('sends nothing when the adapter reports the group gone while reading it', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce');
    ec2.failures.loadGroup = new MissingGroupError('gone');

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('group-not-found');
    expect(outbox.notices).toEqual([]);
  });

  it('sends nothing and changes nothing when the group is not exposed', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce', {
      groupId: GROUP_ID,
      rules: [tcp(22, 22, v4('10.0.0.0/8'), 'sgr-lan'), tcp(443, 443, v4('0.0.0.0/0'), 'sgr-web')],
    });

    // Act
    const outcome = await run();

    // Assess
    expect(outcome).toMatchObject({ outcome: 'not-exposed', exposures: [] });
    expect(ec2.calls).toEqual(['loadGroup']);
    expect(outbox.notices).toEqual([]);
  });

  it('propagates a failed policy read (the caller retries)', async () => {
    // Prepare
    const { ec2, policies, run } = world('enforce');
    policies.failure = new ThrottleError('organizations throttled');

    // Assess
    await expect(run()).rejects.toBeInstanceOf(ThrottleError);
    expect(ec2.calls).toEqual(['loadGroup']);
  });
});

describe('remediateFinding: enforce', () => {
  it('narrows tcp 0-65535 from the world: authorizes 0-21 and 23-65535 first, then revokes', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce');

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('remediated');
    expect(ec2.calls).toEqual(['loadGroup', 'authorize 2', 'revoke sgr-world']);
    expect(ports(ec2.rulesOf(GROUP_ID))).toEqual(
      ports([
        tcp(0, 21, v4('0.0.0.0/0')),
        tcp(22, 22, v4('10.0.0.0/8')),
        tcp(23, 65535, v4('0.0.0.0/0')),
      ]),
    );
    const record = outbox.notices[0]?.record;
    expect(outbox.actions).toEqual(['remediated']);
    expect(record?.revoked.map((rule) => rule.ruleId)).toEqual(['sgr-world']);
    expect(record?.authorized.map((rule) => [rule.fromPort, rule.toPort, rule.ruleId])).toEqual([
      [0, 21, 'sgr-new1'],
      [23, 65535, 'sgr-new2'],
    ]);
    expect(record).toMatchObject({ accountId: ACCOUNT, region: REGION, recordId: 'record-1' });
  });

  it('keeps 10.0.0.0/8 when only 0.0.0.0/0 is revoked, with no authorization under revoke', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce');

    // Act
    const outcome = await run({ ...narrow, strategy: 'revoke' });

    // Assess
    expect(outcome.outcome).toBe('remediated');
    expect(ec2.calls).toEqual(['loadGroup', 'revoke sgr-world']);
    expect(ec2.rulesOf(GROUP_ID).map((rule) => rule.ruleId)).toEqual(['sgr-lan']);
    expect(outbox.notices[0]?.record.authorized).toEqual([]);
  });

  it('changes nothing and sends no second mail for a second event about the same group', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce');
    await run();

    // Act
    const second = await run();

    // Assess
    expect(second.outcome).toBe('not-exposed');
    expect(outbox.notices).toHaveLength(1);
    expect(ec2.calls.filter((call) => !call.startsWith('loadGroup'))).toHaveLength(2);
  });

  it('sends nothing when an event that raced an earlier fix finds every rule already handled', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce');
    const before = exposedGroup();
    await run();
    ec2.staleSnapshot = before;

    // Act
    const raced = await run();

    // Assess
    expect(raced.outcome).toBe('already-fixed');
    expect(outbox.notices).toHaveLength(1);
  });

  it('reports only the rules it really revoked when some were already gone', async () => {
    // Prepare
    const group = exposedGroup({
      rules: [
        tcp(22, 22, v4('0.0.0.0/0'), 'sgr-a'),
        tcp(22, 22, { kind: 'cidr', family: 'ipv6', cidr: '::/0' }, 'sgr-b'),
      ],
    });
    const { ec2, outbox, run } = world('enforce', group);
    await ec2.revoke(GROUP_ID, ['sgr-a']);
    ec2.staleSnapshot = group;

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('remediated');
    expect(outbox.notices[0]?.record.revoked.map((rule) => rule.ruleId)).toEqual(['sgr-b']);
  });

  it('falls back to revoke when narrowing would pass the rule quota', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce');

    // Act
    await run({ ...narrow, ruleQuota: 2 });

    // Assess
    expect(ec2.calls).toEqual(['loadGroup', 'revoke sgr-world']);
    expect(outbox.notices[0]?.record).toMatchObject({
      strategy: 'narrow',
      appliedStrategy: 'revoke',
      fallbackReason: expect.stringContaining('quota'),
    });
  });

  it('resolves the prefix lists a guarded port references and removes a world prefix list', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce', {
      groupId: GROUP_ID,
      rules: [
        tcp(22, 22, prefixList('pl-0world'), 'sgr-pl'),
        tcp(443, 443, prefixList('pl-0web'), 'sgr-web'),
      ],
    });
    ec2.prefixLists.set('pl-0world', ['0.0.0.0/1', '128.0.0.0/1']);

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('remediated');
    expect(ec2.calls).toEqual(['loadGroup', 'loadPrefixLists pl-0world', 'revoke sgr-pl']);
    expect(outbox.notices[0]?.record.exposures[0]?.reason).toBe('world-prefix-list');
  });

  it('acts on a finding that names the group only by name', async () => {
    // Prepare
    const { outbox, run } = world('enforce');

    // Act
    const outcome = await run(narrow, {
      groupName: 'web',
      trigger: 'cloudtrail',
      actor: 'arn:aws:iam::111122223333:user/alice',
    });

    // Assess
    expect(outcome).toMatchObject({ outcome: 'remediated', groupId: GROUP_ID, groupName: 'web' });
    expect(outbox.notices[0]?.record).toMatchObject({
      trigger: 'cloudtrail',
      actor: 'arn:aws:iam::111122223333:user/alice',
    });
  });
});

describe('remediateFinding: exemptions and notify', () => {
  const exempt = { 'sg-guard:exempt': 'bastion, CHG-1234', 'sg-guard:exempt-until': '2030-12-31' };

  it('mails exempted and changes nothing where group exemptions are allowed', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce', exposedGroup({ tags: exempt }));

    // Act
    const outcome = await run({ ...narrow, allowGroupExemptions: true });

    // Assess
    expect(outcome.outcome).toBe('exempted');
    expect(ec2.calls).toEqual(['loadGroup']);
    expect(outbox.notices[0]?.record.exemption).toEqual({
      reason: 'bastion, CHG-1234',
      until: '2030-12-31',
    });
  });

  it('ignores the exemption tag where group exemptions are not allowed', async () => {
    // Prepare
    const { outbox, run } = world('enforce', exposedGroup({ tags: exempt }));

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('remediated');
    expect(outbox.actions).toEqual(['remediated']);
  });

  it('mails would-remediate with the plan in notify mode and changes nothing', async () => {
    // Prepare
    const { ec2, outbox, run } = world('notify');

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('would-remediate');
    expect(ec2.calls).toEqual(['loadGroup']);
    expect(outbox.notices[0]?.record.revoked.map((rule) => rule.ruleId)).toEqual(['sgr-world']);
    expect(outbox.notices[0]?.record.authorized).toHaveLength(2);
  });

  it('does not mail the same would-remediate again within an hour, and does after it', async () => {
    // Prepare
    const { clock, outbox, run } = world('notify');
    await run();

    // Act
    clock.now = new Date('2030-06-01T12:59:59Z');
    const repeat = await run();
    clock.now = new Date('2030-06-01T13:00:00Z');
    const later = await run();

    // Assess
    expect(repeat).toMatchObject({ outcome: 'suppressed', suppressedAction: 'would-remediate' });
    expect(later.outcome).toBe('would-remediate');
    expect(outbox.notices).toHaveLength(2);
  });

  it('mails again at once when the exposures change', async () => {
    // Prepare
    const { ec2, outbox, run } = world('notify');
    await run();
    ec2.staleSnapshot = exposedGroup({ rules: [allTraffic(v4('0.0.0.0/0'), 'sgr-all')] });

    // Act
    const changed = await run();

    // Assess
    expect(changed.outcome).toBe('would-remediate');
    expect(outbox.notices).toHaveLength(2);
  });

  it('does not remember a notice whose publish failed, so the retry sends it', async () => {
    // Prepare
    const { outbox, run } = world('notify');
    outbox.failure = new Error('sns down');
    await expect(run()).rejects.toThrow('sns down');
    outbox.failure = undefined;

    // Act
    const retry = await run();

    // Assess
    expect(retry.outcome).toBe('would-remediate');
    expect(outbox.notices).toHaveLength(1);
  });
});

describe('remediateFinding: trouble', () => {
  it('mails failed naming the missing permission when revoke is denied, with what it authorized', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce');
    ec2.failures.revoke = new DeniedError('ec2:RevokeSecurityGroupIngress');

    // Act
    const outcome = await run();

    // Assess
    expect(outcome).toMatchObject({
      outcome: 'failed',
      missingPermission: 'ec2:RevokeSecurityGroupIngress',
    });
    const record = outbox.notices[0]?.record;
    expect(record?.error).toMatchObject({
      code: 'UnauthorizedOperation',
      missingPermission: 'ec2:RevokeSecurityGroupIngress',
    });
    expect(record?.revoked).toEqual([]);
    expect(record?.authorized).toHaveLength(2);
  });

  it('mails failed when reading the group is denied', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce');
    ec2.failures.loadGroup = new DeniedError('ec2:DescribeSecurityGroupRules');

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('failed');
    expect(outbox.notices[0]?.record).toMatchObject({
      groupId: GROUP_ID,
      error: { missingPermission: 'ec2:DescribeSecurityGroupRules' },
    });
  });

  it('mails failed when the prefix lists cannot be read, naming the group it did read', async () => {
    // Prepare
    const { ec2, outbox, run } = world(
      'enforce',
      exposedGroup({ rules: [tcp(22, 22, prefixList('pl-0x'), 'sgr-pl')] }),
    );
    ec2.failures.loadPrefixLists = new DeniedError('ec2:GetManagedPrefixListEntries');

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('failed');
    expect(outbox.notices[0]?.record).toMatchObject({ groupName: 'web', vpcId: 'vpc-1' });
  });

  it('throws a denied read of a group known only by name (no record can name it)', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce');
    ec2.failures.loadGroup = new DeniedError('ec2:DescribeSecurityGroups');

    // Assess
    await expect(run(narrow, { groupName: 'web', trigger: 'cloudtrail' })).rejects.toBeInstanceOf(
      DeniedError,
    );
    expect(outbox.notices).toEqual([]);
  });

  it('throws throttling from revoke so the caller retries', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce');
    ec2.failures.revoke = new ThrottleError('RequestLimitExceeded');

    // Assess
    await expect(run()).rejects.toBeInstanceOf(ThrottleError);
    expect(outbox.notices).toEqual([]);
  });

  it('throws when the remediated notice cannot be published', async () => {
    // Prepare
    const { outbox, run } = world('enforce');
    outbox.failure = new Error('sns:Publish failed');

    // Assess
    await expect(run()).rejects.toThrow('sns:Publish failed');
  });

  it('throws when the failed notice itself cannot be published', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce');
    ec2.failures.authorize = new DeniedError('ec2:AuthorizeSecurityGroupIngress');
    outbox.failure = new Error('sns:Publish failed');

    // Assess
    await expect(run()).rejects.toThrow('sns:Publish failed');
    expect(ec2.calls).not.toContain('revoke sgr-world');
  });

  it('revokes a rule read without a rule id by its content, and closes it for real', async () => {
    // Prepare
    const { ec2, outbox, run } = world(
      'enforce',
      exposedGroup({ rules: [tcp(0, 65535, v4('0.0.0.0/0'))] }),
    );

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('remediated');
    expect(ports(ec2.rulesOf(GROUP_ID))).toEqual(
      ports([tcp(0, 21, v4('0.0.0.0/0')), tcp(23, 65535, v4('0.0.0.0/0'))]),
    );
    expect(outbox.notices[0]?.record.revoked).toHaveLength(1);
  });

  it('reports group-not-found when the group disappears before the revoke', async () => {
    // Prepare
    const { ec2, outbox, run } = world('enforce');
    ec2.failures.authorize = new MissingGroupError('gone');

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('group-not-found');
    expect(outbox.notices).toEqual([]);
  });
});
