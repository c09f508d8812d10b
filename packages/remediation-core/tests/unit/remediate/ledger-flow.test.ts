import { describe, expect, it } from 'vitest';
import {
  type Finding,
  type GroupSnapshot,
  InMemoryLedger,
  LeaseHeldError,
  MAX_MESSAGE_BYTES,
  type RemediationSettings,
  remediateFinding,
  renderNotice,
} from '../../../src/index.js';
import { tcp, v4 } from '../../fixtures/rule-builders.js';
import { DeniedError, FixedPolicies, InMemoryEc2, Outbox, ThrottleError } from './fakes.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const GROUP_ID = 'sg-0123456789abcdef0';
const narrow: RemediationSettings = {
  ports: [22],
  strategy: 'narrow',
  allowGroupExemptions: false,
};
const finding: Finding = { groupId: GROUP_ID, trigger: 'direct' };

const allPorts = (): GroupSnapshot => ({
  groupId: GROUP_ID,
  groupName: 'web',
  rules: [tcp(0, 65535, v4('0.0.0.0/0'), 'sgr-world'), tcp(22, 22, v4('10.0.0.0/8'), 'sgr-lan')],
});
const sshOnly = (): GroupSnapshot => ({
  groupId: GROUP_ID,
  rules: [tcp(22, 22, v4('0.0.0.0/0'), 'sgr-world')],
});

/** One account-region with a ledger; several runs (events, retries) share it. */
function world(group: GroupSnapshot = allPorts()) {
  const ec2 = new InMemoryEc2(group);
  const outbox = new Outbox();
  const ledger = new InMemoryLedger();
  const clock = { now: new Date('2030-06-01T12:00:00Z') };
  const sleeps: number[] = [];
  let ids = 0;
  const run = (event: Finding = finding, settings: RemediationSettings = narrow) =>
    remediateFinding(
      event,
      { groups: ec2, policies: new FixedPolicies('enforce'), notices: outbox, ledger },
      settings,
      {
        accountId: ACCOUNT,
        region: REGION,
        now: () => clock.now,
        newRecordId: () => `record-${++ids}`,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock.now = new Date(clock.now.getTime() + ms);
        },
      },
    );
  /** The surviving rules as `from-to cidr`, sorted. */
  const rules = () =>
    ec2
      .rulesOf(GROUP_ID)
      .map(
        (rule) => `${rule.protocol} ${rule.fromPort}-${rule.toPort} ${JSON.stringify(rule.source)}`,
      )
      .sort();
  const remediatedMails = () => outbox.notices.filter((n) => n.record.action === 'remediated');
  return { ec2, outbox, ledger, clock, sleeps, run, rules, remediatedMails };
}

const world4 = (cidr: string) => JSON.stringify(v4(cidr));

describe('the ledger around a change', () => {
  it('writes the intent before any change and closes the entry only after the mail', async () => {
    // Prepare
    const { ec2, ledger, outbox, run } = world();
    const order: string[] = [];
    const begin = ledger.begin.bind(ledger);
    ledger.begin = async (request) => {
      order.push('intent');
      return begin(request);
    };
    ec2.beforeChange = (method) => order.push(method);
    const publish = outbox.publish.bind(outbox);
    outbox.publish = async (notice) => {
      order.push(`publish:${ledger.head(GROUP_ID)?.state}`);
      return publish(notice);
    };

    // Act
    await run();

    // Assess
    expect(order).toEqual(['intent', 'authorize', 'revoke', 'publish:intent']);
    expect(ledger.head(GROUP_ID)).toMatchObject({ state: 'idle' });
    const [entry] = ledger.entries();
    expect(entry?.status).toBe('published');
    expect(entry?.record).toEqual(outbox.notices[0]?.record);
  });

  it('marks the rules it authorized as created and never claims one that was there', async () => {
    // Prepare: tcp 0-21 from the world was there before; 23-65535 is new.
    const { outbox, run } = world({
      groupId: GROUP_ID,
      rules: [tcp(0, 65535, v4('0.0.0.0/0'), 'sgr-world'), tcp(0, 21, v4('0.0.0.0/0'), 'sgr-low')],
    });

    // Act
    await run();

    // Assess
    const authorized = outbox.notices[0]?.record.authorized ?? [];
    expect(authorized.map((rule) => [rule.fromPort, rule.created])).toEqual([[23, true]]);
  });

  it('keeps an applied entry pending when the publish fails, and mails it once on the retry', async () => {
    // Prepare
    const { outbox, ledger, run, rules, remediatedMails } = world();
    outbox.failure = new ThrottleError('sns throttled');

    // Act
    await expect(run()).rejects.toMatchObject({ code: 'NOTICE_NOT_PUBLISHED' });
    const pending = ledger.head(GROUP_ID);
    outbox.failure = undefined;
    const retry = await run();

    // Assess
    expect(pending).toMatchObject({ state: 'applied', entry: { status: 'applied' } });
    expect(retry.outcome).toBe('already-fixed');
    expect(retry.finishedEntries).toEqual(['record-1']);
    expect(remediatedMails()).toHaveLength(1);
    expect(remediatedMails()[0]?.record.revoked.map((rule) => rule.ruleId)).toEqual(['sgr-world']);
    expect(ledger.entries().map((entry) => entry.status)).toEqual(['published']);
    expect(rules()).not.toContain(`tcp 0-65535 ${world4('0.0.0.0/0')}`);
  });

  it('publishes a pending entry once when several events finish it at the same time', async () => {
    // Prepare
    const { outbox, run, remediatedMails } = world();
    outbox.failure = new ThrottleError('sns throttled');
    await expect(run()).rejects.toMatchObject({ code: 'NOTICE_NOT_PUBLISHED' });
    outbox.failure = undefined;

    // A slow publish: the later events read the head while the first one is publishing it.
    const publish = outbox.publish.bind(outbox);
    outbox.publish = async (notice) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return publish(notice);
    };
    const later = () => new Promise((resolve) => setTimeout(resolve, 5)).then(() => run());

    // Act: three events for the now clean group, at once.
    const outcomes = await Promise.all([run(), later(), later()]);

    // Assess
    expect(remediatedMails()).toHaveLength(1);
    expect(outcomes.flatMap((outcome) => outcome.finishedEntries ?? [])).toEqual(['record-1']);
  });

  it('resumes a run cut short after its authorize, resolving the rule gone by then as its own revoke', async () => {
    // Prepare: the revoke applies, then its answer is lost (a 5xx after the change).
    const { ec2, ledger, run, remediatedMails } = world();
    let lost = false;
    ec2.beforeChange = (method) => {
      if (method !== 'revoke' || lost) return;
      lost = true;
      void ec2.revokeRules(GROUP_ID, [tcp(0, 65535, v4('0.0.0.0/0'), 'sgr-world')]);
      throw new ThrottleError('503 after the change');
    };

    // Act
    await expect(run()).rejects.toBeInstanceOf(ThrottleError);
    const cut = ledger.head(GROUP_ID);
    ec2.beforeChange = undefined;
    const retry = await run();

    // Assess
    expect(cut).toMatchObject({ state: 'intent', leaseExpiresAt: 0 });
    expect(cut?.entry?.applied.authorized).toHaveLength(2);
    expect(retry.outcome).toBe('already-fixed');
    const [mail] = remediatedMails();
    expect(remediatedMails()).toHaveLength(1);
    expect(mail?.record.revoked.map((rule) => rule.ruleId)).toEqual(['sgr-world']);
    expect(mail?.record.authorized.every((rule) => rule.created)).toBe(true);
  });

  it('does not claim a rule someone else removed on a first attempt', async () => {
    // Prepare: the owner deletes the rule between the read and the revoke.
    const { ec2, outbox, run } = world(sshOnly());
    ec2.beforeChange = () => {
      ec2.beforeChange = undefined;
      void ec2.revokeRules(GROUP_ID, [tcp(22, 22, v4('0.0.0.0/0'), 'sgr-world')]);
    };

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('already-fixed');
    expect(outbox.notices).toEqual([]);
  });
});

describe('closing after the mail', () => {
  it('retries a close that fails after the publish, so the mail is not sent again later', async () => {
    // Prepare: the ledger answers the first close with a 5xx.
    const { ledger, sleeps, run, remediatedMails } = world();
    const close = ledger.close.bind(ledger);
    let failures = 1;
    ledger.close = async (...args) => {
      if (failures-- > 0) throw new ThrottleError('dynamodb 500');
      return close(...args);
    };

    // Act
    const outcome = await run();

    // Assess
    expect(outcome.outcome).toBe('remediated');
    expect(sleeps).toEqual([250]);
    expect(ledger.head(GROUP_ID)?.state).toBe('idle');
    expect(remediatedMails()).toHaveLength(1);
  });

  it('says loudly when the entry cannot be closed at all after the mail', async () => {
    const { ledger, run } = world();
    ledger.close = async () => {
      throw new ThrottleError('dynamodb down');
    };

    await expect(run()).rejects.toMatchObject({ code: 'LEDGER_NOT_CLOSED', recordId: 'record-1' });
  });
});

describe('leases', () => {
  it('waits for a run that holds the group, then gives the event back to be retried', async () => {
    // Prepare: another run's lease, far from expiry.
    const { ledger, clock, sleeps, run, ec2 } = world();
    const other = world();
    await ledger.begin({
      entry: { ...(await intentOf(other)), groupId: GROUP_ID },
      now: clock.now.getTime(),
      leaseExpiresAt: clock.now.getTime() + 3_600_000,
      closedBefore: clock.now.getTime(),
    });

    // Act
    const outcome = run();

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(LeaseHeldError);
    expect(sleeps.length).toBeGreaterThan(3);
    expect(ec2.calls.filter((call) => /authorize|revoke/.test(call))).toEqual([]);
  });

  it('takes over an intent whose lease expired and finishes it before its own work', async () => {
    // Prepare: a run that died after writing its intent (no change made).
    const { ledger, clock, run, remediatedMails } = world();
    const dead = await intentOf(world());
    await ledger.begin({
      entry: { ...dead, groupId: GROUP_ID },
      now: clock.now.getTime(),
      leaseExpiresAt: clock.now.getTime() + 120_000,
      closedBefore: clock.now.getTime(),
    });
    clock.now = new Date(clock.now.getTime() + 121_000);

    // Act
    const outcome = await run();

    // Assess: the dead run's plan is applied under its own record id, one mail.
    expect(outcome.finishedEntries).toEqual([dead.recordId]);
    expect(remediatedMails().map((mail) => mail.record.recordId)).toEqual([dead.recordId]);
    expect(ledger.head(GROUP_ID)?.state).toBe('idle');
  });
});

describe('compare-and-swap against an owner editing the rule', () => {
  const editTo = (ec2: InMemoryEc2, change: Parameters<InMemoryEc2['modifyRule']>[2]) => () => {
    ec2.beforeChange = undefined;
    ec2.modifyRule(GROUP_ID, 'sgr-world', change);
  };

  it('leaves an SSH rule narrowed to 10.0.0.0/8 by its owner, and mails nothing', async () => {
    const { ec2, outbox, run, rules } = world(sshOnly());
    ec2.beforeChange = editTo(ec2, { source: v4('10.0.0.0/8') });

    const outcome = await run();

    expect(outcome.outcome).toBe('already-fixed');
    expect(rules()).toEqual([`tcp 22-22 ${world4('10.0.0.0/8')}`]);
    expect(outbox.notices).toEqual([]);
  });

  it('leaves a rule moved to tcp 443 from the world, and mails nothing', async () => {
    const { ec2, outbox, run, rules } = world(sshOnly());
    ec2.beforeChange = editTo(ec2, { fromPort: 443, toPort: 443 });

    await run();

    expect(rules()).toEqual([`tcp 443-443 ${world4('0.0.0.0/0')}`]);
    expect(outbox.notices).toEqual([]);
  });

  it('takes back the narrowing of a range its owner restricted to 10.0.0.0/8', async () => {
    const { ec2, outbox, run, rules } = world();
    ec2.beforeChange = (method) => {
      // After the narrowing is authorized, before the revoke.
      if (method === 'revoke') editTo(ec2, { source: v4('10.0.0.0/8') })();
    };

    await run();

    expect(rules()).toEqual([
      `tcp 0-65535 ${world4('10.0.0.0/8')}`,
      `tcp 22-22 ${world4('10.0.0.0/8')}`,
    ]);
    expect(outbox.notices).toEqual([]);
  });

  it('closes what its owner changed into another world-open range', async () => {
    const { ec2, remediatedMails, run, rules } = world(sshOnly());
    ec2.beforeChange = editTo(ec2, { fromPort: 20, toPort: 30 });

    await run();

    expect(rules()).toEqual([
      `tcp 20-21 ${world4('0.0.0.0/0')}`,
      `tcp 23-30 ${world4('0.0.0.0/0')}`,
    ]);
    const [mail] = remediatedMails();
    expect(mail?.record.revoked.map((rule) => [rule.fromPort, rule.toPort])).toEqual([[20, 30]]);
  });

  it('mails failed after the rule kept changing, with what it changed', async () => {
    const { ec2, outbox, run } = world(sshOnly());
    let port = 22;
    ec2.beforeChange = (method) => {
      if (method !== 'revoke') return;
      port = port === 22 ? 2222 : 22;
      // Keep it exposing, but never as it was read.
      ec2.modifyRule(GROUP_ID, 'sgr-world', { fromPort: 0, toPort: 65535 - port });
    };

    const outcome = await run();

    expect(outcome.outcome).toBe('failed');
    expect(outbox.notices[0]?.record.error?.code).toBe('RULE_KEPT_CHANGING');
  });
});

describe('failures under the lease', () => {
  it('mails failed with the partial change and closes the entry when the revoke is denied', async () => {
    const { ec2, ledger, outbox, run } = world();
    ec2.failures.revoke = new DeniedError('ec2:RevokeSecurityGroupIngress');

    const outcome = await run();

    expect(outcome).toMatchObject({
      outcome: 'failed',
      missingPermission: 'ec2:RevokeSecurityGroupIngress',
    });
    expect(outbox.notices[0]?.record.authorized).toHaveLength(2);
    expect(ledger.entries().map((entry) => entry.status)).toEqual(['published']);
    expect(ledger.head(GROUP_ID)?.state).toBe('idle');
  });
});

describe('what the record tells', () => {
  it('carries the exposure window of a CloudTrail-triggered fix', async () => {
    const { outbox, run } = world();

    await run({ ...finding, trigger: 'cloudtrail', eventTime: '2030-06-01T11:59:15Z' });

    expect(outbox.notices[0]?.record.exposureSeconds).toBe(45);
    expect(outbox.notices[0]?.text).toContain('Open for:       45 s');
  });

  it('flags a group open again within a day of its last fix as a repeat', async () => {
    const { ec2, clock, outbox, run } = world(sshOnly());
    await run();
    await ec2.authorize(GROUP_ID, [tcp(22, 22, v4('0.0.0.0/0'))]);
    clock.now = new Date(clock.now.getTime() + 3_600_000);

    await run();

    expect(outbox.notices.map((n) => n.record.repeat?.previousRecordId)).toEqual([
      undefined,
      'record-1',
    ]);
  });

  it('names the stack of a group CloudFormation manages', async () => {
    const { outbox, run } = world({
      ...sshOnly(),
      tags: { 'aws:cloudformation:stack-name': 'web-prod' },
    });

    await run();

    expect(outbox.notices[0]?.record.managedBy).toEqual({
      tool: 'CloudFormation',
      stack: 'web-prod',
    });
    expect(outbox.notices[0]?.text).toContain(
      'fix the template or the next deployment re-opens it',
    );
  });
});

describe('the notice size', () => {
  it('stays under SNS’s limit with 300 long rules: the mail says what it left out, the record is whole', async () => {
    // Prepare: the record alone is well under the limit, the mail would repeat it and more.
    const long = 'x'.repeat(250);
    const rules = Array.from({ length: 300 }, (_, index) => ({
      ...tcp(
        22,
        22,
        v4(`${index % 250}.${Math.floor(index / 250)}.0.0/16`),
        `sgr-${index.toString(16).padStart(8, '0')}`,
      ),
      description: `${long} ${index}`,
    }));
    const { outbox, run } = world({
      groupId: GROUP_ID,
      rules: [...rules, tcp(22, 22, v4('0.0.0.0/0'), 'sgr-world')],
    });
    await run();
    const record = outbox.notices[0]?.record;
    if (!record) throw new Error('no notice');
    const big = {
      ...record,
      exposures: rules.map((rule) => ({
        rule,
        ports: [22],
        family: 'ipv4' as const,
        reason: 'union' as const,
      })),
    };

    // Act
    const notice = renderNotice(big);

    // Assess
    expect(Buffer.byteLength(notice.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(JSON.parse(JSON.parse(notice.message).default)).toEqual(big);
    expect(notice.text).toMatch(/… and \d+ more \(all of them are in the record\)/);
  });

  it('points to the ledger entry when even the record alone is over the limit', () => {
    // Prepare
    const record = {
      schemaVersion: 1 as const,
      recordId: 'record-big',
      time: '2030-06-01T12:00:00.000Z',
      action: 'remediated' as const,
      mode: 'enforce' as const,
      accountId: ACCOUNT,
      region: REGION,
      groupId: GROUP_ID,
      trigger: 'direct' as const,
      strategy: 'revoke' as const,
      appliedStrategy: 'revoke' as const,
      exposures: [],
      revoked: Array.from({ length: 1200 }, (_, index) => ({
        ...tcp(22, 22, v4(`10.${index % 250}.${Math.floor(index / 250)}.0/24`)),
        description: 'y'.repeat(250),
      })),
      authorized: [],
      dropped: [],
      policySource: { kind: 'default' as const },
      warnings: [],
    };

    // Act
    const notice = renderNotice(record);

    // Assess
    expect(Buffer.byteLength(notice.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(JSON.parse(JSON.parse(notice.message).default)).toMatchObject({
      truncated: true,
      recordId: 'record-big',
    });
    expect(notice.record).toBe(record);
  });
});

/** An intent entry as a run would write it (from a throwaway world's first run). */
async function intentOf(other: ReturnType<typeof world>) {
  const { ledger } = other;
  let captured: Parameters<InMemoryLedger['begin']>[0]['entry'] | undefined;
  const begin = ledger.begin.bind(ledger);
  ledger.begin = async (request) => {
    captured ??= request.entry;
    return begin(request);
  };
  await other.run();
  if (!captured) throw new Error('no intent was written');
  return { ...captured, applied: { revoked: [], authorized: [] } };
}
