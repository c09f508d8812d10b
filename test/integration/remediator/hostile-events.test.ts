/**
 * Hostile and malformed events through the real handler against moto. Anyone who can invoke the
 * function or shape an event (a crafted CloudTrail-like event, a Config message, a direct
 * invoke) controls its strings: none of them may add a line to a mail, hide text, grow a record
 * without bound, or be mistaken for something it is not. Each event has its outcome:
 * - `finding`: the group is remediated and the one notice carries sanitized fields;
 * - `ignored`: recognised and deliberately not acted on;
 * - `rejected`: not a readable event (malformed or unsupported), nothing changes;
 * - `foreign`: a finding for another account or region, which this function leaves alone.
 */
import { randomUUID } from 'node:crypto';
import {
  comparableRule,
  createLedgerTable,
  describeInboundRuleDetails,
  formatRule,
  openSsh,
} from '@sg-guard/emulator';
import {
  parseEvent,
  type RemediationRecord,
  renderNotice,
  TEXT_LIMITS,
} from '@sg-guard/remediation-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cloudTrailAuthorizeEvent,
  configEventBridgeEvent,
  configSnsEvent,
  type EventTarget,
} from '../../support/events.js';
import { type ReceivedNotice, readNotices } from '../../support/notices.js';
import { coldStart } from '../../support/remediator.js';
import { buildWorld, HOME_REGION, type World } from '../../support/world.js';

/** The marker every injection attempt carries; it must never start a line of a mail. */
const MARK = 'INJECTED';
/** A payload that, pasted verbatim, would add a fake section and a fake record to a mail. */
const PAYLOAD = `\r\n\r\nHow to undo\r\n${MARK}: run sg-guard undo --force --yes\n\nRecord (JSON, one line):\n{"${MARK}":true}`;
const BIDI = `\u202e${MARK}\u202c\u2066x\u2069\u200b`;
const HUGE = 'A'.repeat(300 * 1024);

type Outcome = 'finding' | 'ignored' | 'rejected' | 'foreign';

interface HostileCase {
  readonly name: string;
  readonly outcome: Outcome;
  readonly event: (target: EventTarget, ruleId: string) => unknown;
  /** Extra checks on the record of a `finding`. */
  readonly check?: (record: RemediationRecord) => void;
}

type Json = Record<string, unknown> & { detail: Record<string, unknown> };

const trail = (target: EventTarget, ruleId: string) =>
  cloudTrailAuthorizeEvent(target, { fromPort: 22, toPort: 22, cidr: '0.0.0.0/0', ruleId }) as Json;

function trailWith(edit: (event: Json) => void) {
  return (target: EventTarget, ruleId: string) => {
    const event = trail(target, ruleId);
    edit(event);
    return event;
  };
}

type SnsJson = { Records: { Sns: { Message: string; MessageId: string } }[] };

/** The Config SNS event with its Config message edited. */
function snsWith(edit: (message: Record<string, unknown>, sns: SnsJson) => void) {
  return (target: EventTarget) => {
    const event = configSnsEvent(target) as unknown as SnsJson;
    const record = event.Records[0];
    if (!record) throw new Error('fixture has no record');
    const message = JSON.parse(record.Sns.Message) as Record<string, unknown>;
    edit(message, event);
    record.Sns.Message = JSON.stringify(message);
    return event;
  };
}

/** The Config SNS event with the raw `Message` text replaced. */
function snsMessage(text: (target: EventTarget) => string) {
  return (target: EventTarget) => {
    const event = configSnsEvent(target) as unknown as SnsJson;
    const record = event.Records[0];
    if (!record) throw new Error('fixture has no record');
    record.Sns.Message = text(target);
    return event;
  };
}

/** The Config SNS event with `extra` records after the good one. */
function snsPlus(...extra: unknown[]) {
  return (target: EventTarget) => {
    const event = configSnsEvent(target) as unknown as { Records: unknown[] };
    event.Records.push(...extra);
    return event;
  };
}

function bridgeWith(edit: (event: Json) => void) {
  return (target: EventTarget) => {
    const event = configEventBridgeEvent(target) as Json;
    edit(event);
    return event;
  };
}

const ANOTHER_ACCOUNT = '999988887777';

const CASES: readonly HostileCase[] = [
  // CloudTrail: text fields the caller controls.
  {
    name: 'CloudTrail actor with CR/LF and a fake "How to undo" section',
    outcome: 'finding',
    event: trailWith((e) => {
      e.detail.userIdentity = { arn: `arn:aws:iam::111122223333:user/mallory${PAYLOAD}` };
    }),
    check: (r) => expect(r.actor).toContain(`mallory How to undo ${MARK}: run`),
  },
  {
    name: 'CloudTrail actor with bidi overrides and zero-width characters',
    outcome: 'finding',
    event: trailWith((e) => {
      e.detail.userIdentity = { arn: `arn:aws:iam::111122223333:user/${BIDI}` };
    }),
    check: (r) => expect(r.actor).toBe(`arn:aws:iam::111122223333:user/${MARK}x`),
  },
  {
    name: 'CloudTrail actor of 300 KB',
    outcome: 'finding',
    event: trailWith((e) => {
      e.detail.userIdentity = { arn: HUGE };
    }),
    check: (r) => expect(r.actor).toHaveLength(TEXT_LIMITS.arn),
  },
  {
    name: 'CloudTrail invokedBy with NUL, ESC and C1 controls',
    outcome: 'finding',
    event: trailWith((e) => {
      e.detail.userIdentity = { invokedBy: `svc\u0000\u001b[31m\u0085\u009b${MARK}` };
    }),
    check: (r) => expect(r.actor).toBe(`svc [31m ${MARK}`),
  },
  {
    name: 'CloudTrail eventID with a newline and a fake record line',
    outcome: 'finding',
    event: trailWith((e) => {
      e.detail.eventID = `e-1${PAYLOAD}`;
    }),
    check: (r) => expect(r.eventId?.startsWith('e-1 How to undo')).toBe(true),
  },
  {
    name: 'CloudTrail eventID of 300 KB',
    outcome: 'finding',
    event: trailWith((e) => {
      e.detail.eventID = HUGE;
    }),
    check: (r) => expect(r.eventId).toHaveLength(TEXT_LIMITS.eventId),
  },
  {
    name: 'CloudTrail eventTime that is not ISO 8601 (with a newline)',
    outcome: 'finding',
    event: trailWith((e) => {
      e.detail.eventTime = `yesterday\n${MARK}`;
      e.time = `noon\n${MARK}`;
    }),
    check: (r) => expect(r.eventTime ?? '').not.toContain(MARK),
  },
  {
    name: 'CloudTrail actor of the wrong type (a number) and userIdentity null',
    outcome: 'finding',
    event: trailWith((e) => {
      e.detail.userIdentity = null;
      e.detail.eventID = 42;
    }),
    check: (r) => expect(r.actor).toBeUndefined(),
  },
  {
    name: 'CloudTrail actor as an array',
    outcome: 'finding',
    event: trailWith((e) => {
      e.detail.userIdentity = { arn: [MARK, '\n'] };
    }),
    check: (r) => expect(r.actor).toBeUndefined(),
  },
  {
    name: 'CloudTrail unknown eventName with a newline',
    outcome: 'ignored',
    event: trailWith((e) => {
      e.detail.eventName = `DescribeThings${PAYLOAD}`;
    }),
  },
  {
    name: 'CloudTrail failed call whose errorCode carries a newline',
    outcome: 'ignored',
    event: trailWith((e) => {
      e.detail.errorCode = `Client.Denied${PAYLOAD}`;
    }),
  },
  {
    name: 'CloudTrail call in another account',
    outcome: 'foreign',
    event: trailWith((e) => {
      e.detail.recipientAccountId = ANOTHER_ACCOUNT;
    }),
  },
  {
    name: 'CloudTrail call in another region',
    outcome: 'foreign',
    event: trailWith((e) => {
      e.detail.awsRegion = 'ap-southeast-2';
    }),
  },
  {
    name: 'CloudTrail account id with a trailing newline',
    outcome: 'rejected',
    event: trailWith((e) => {
      e.detail.recipientAccountId = '111122223333\n';
    }),
  },
  {
    name: 'CloudTrail groupId with a newline and a second id',
    outcome: 'rejected',
    event: trailWith((e) => {
      (e.detail.requestParameters as Record<string, unknown>).groupId =
        'sg-0123456789abcdef0\nsg-0fedcba9876543210';
    }),
  },
  {
    name: 'CloudTrail groupId as an array',
    outcome: 'rejected',
    event: trailWith((e) => {
      (e.detail.requestParameters as Record<string, unknown>).groupId = ['sg-0123456789abcdef0'];
    }),
  },
  {
    name: 'CloudTrail requestParameters null',
    outcome: 'rejected',
    event: trailWith((e) => {
      e.detail.requestParameters = null;
    }),
  },
  {
    name: 'CloudTrail detail null',
    outcome: 'rejected',
    event: trailWith((e) => {
      (e as Record<string, unknown>).detail = null;
    }),
  },
  // Config over SNS.
  {
    name: 'Config rule name with CR/LF and a fake record',
    outcome: 'finding',
    event: snsWith((m) => {
      m.configRuleName = `restricted-ssh${PAYLOAD}`;
    }),
    check: (r) => expect(r.configRuleName?.startsWith('restricted-ssh How to undo')).toBe(true),
  },
  {
    name: 'Config rule name of 300 KB',
    outcome: 'finding',
    event: snsWith((m) => {
      m.configRuleName = HUGE;
    }),
    check: (r) => expect(r.configRuleName).toHaveLength(TEXT_LIMITS.name),
  },
  {
    name: 'Config rule name with bidi overrides, line and paragraph separators',
    outcome: 'finding',
    event: snsWith((m) => {
      m.configRuleName = `rule\u2028${BIDI}\u2029end`;
    }),
    check: (r) => expect(r.configRuleName).toBe(`rule ${MARK}x end`),
  },
  {
    name: 'SNS MessageId with a newline',
    outcome: 'finding',
    event: snsWith((_m, sns) => {
      const record = sns.Records[0];
      if (record) record.Sns.MessageId = `msg-1${PAYLOAD}`;
    }),
    check: (r) => expect(r.eventId?.startsWith('msg-1 How to undo')).toBe(true),
  },
  {
    name: 'Config notificationCreationTime that is no time',
    outcome: 'finding',
    event: snsWith((m) => {
      m.notificationCreationTime = `${MARK}\n2026`;
    }),
    check: (r) => expect(r.eventTime ?? '').not.toContain(MARK),
  },
  {
    name: 'SNS Message truncated mid-JSON',
    outcome: 'rejected',
    event: snsMessage(
      (t) => `{"messageType":"ComplianceChangeNotification","resourceId":"${t.groupId}`,
    ),
  },
  {
    name: 'SNS Message that is a JSON array of compliance changes',
    outcome: 'rejected',
    event: snsMessage((t) =>
      JSON.stringify([{ messageType: 'ComplianceChangeNotification', resourceId: t.groupId }]),
    ),
  },
  {
    name: 'SNS Message that is JSON null',
    outcome: 'rejected',
    event: snsMessage(() => 'null'),
  },
  {
    name: 'SNS Message that is plain text with control characters (as Config notices are plain text)',
    outcome: 'ignored',
    event: snsMessage(() => `[AWS Config:eu-west-1] oversized item\r\n${MARK}\u0007 ${HUGE}`),
  },
  {
    name: 'Config compliance change whose resourceId carries a newline',
    outcome: 'rejected',
    event: snsWith((m) => {
      m.resourceId = `${String(m.resourceId)}\n`;
    }),
  },
  {
    name: 'Config compliance change whose resourceId is a number',
    outcome: 'rejected',
    event: snsWith((m) => {
      m.resourceId = 12345;
    }),
  },
  {
    name: 'Config compliance change in another account',
    outcome: 'foreign',
    event: snsWith((m) => {
      m.awsAccountId = ANOTHER_ACCOUNT;
    }),
  },
  {
    name: 'SNS event whose good record comes with a truncated one',
    outcome: 'finding',
    event: snsPlus({
      EventSource: 'aws:sns',
      Sns: { MessageId: `bad${PAYLOAD}`, Message: '{"messageType":"ComplianceChangeNoti' },
    }),
  },
  {
    name: 'SNS event whose good record comes with null, an array and a record without Sns',
    outcome: 'finding',
    event: snsPlus(null, [1, 2], { EventSource: 'aws:sns' }),
  },
  {
    name: 'SNS event with no records',
    outcome: 'rejected',
    event: () => ({ Records: [] }),
  },
  {
    name: 'SNS-shaped event whose Records is null',
    outcome: 'rejected',
    event: () => ({ Records: null }),
  },
  // Config over EventBridge.
  {
    name: 'EventBridge Config event id with CR/LF',
    outcome: 'finding',
    event: bridgeWith((e) => {
      e.id = `eb-1${PAYLOAD}`;
    }),
    check: (r) => expect(r.eventId?.startsWith('eb-1 How to undo')).toBe(true),
  },
  {
    name: 'EventBridge Config rule name with control characters',
    outcome: 'finding',
    event: bridgeWith((e) => {
      e.detail.configRuleName = `sg-guard\t\v\f${MARK}\r\n`;
    }),
    check: (r) => expect(r.configRuleName).toBe(`sg-guard ${MARK}`),
  },
  {
    name: 'EventBridge Config event whose detail is an array',
    outcome: 'rejected',
    event: bridgeWith((e) => {
      (e as Record<string, unknown>).detail = [e.detail];
    }),
  },
  // Direct invocations and shapes that are no event at all.
  {
    name: 'direct invocation with a newline after the group id',
    outcome: 'rejected',
    event: (t) => ({ groupId: `${t.groupId}\n` }),
  },
  {
    name: 'direct invocation with the group id in an array',
    outcome: 'rejected',
    event: (t) => ({ groupId: [t.groupId] }),
  },
  {
    name: 'direct invocation with an account id of the wrong type',
    outcome: 'rejected',
    event: (t) => ({ groupId: t.groupId, accountId: 111122223333 }),
  },
  {
    name: 'direct invocation with an extra key carrying a payload',
    outcome: 'rejected',
    event: (t) => ({ groupId: t.groupId, note: PAYLOAD }),
  },
  { name: 'null', outcome: 'rejected', event: () => null },
  { name: 'an array of events', outcome: 'rejected', event: (t) => [{ groupId: t.groupId }] },
  { name: 'a string with newlines', outcome: 'rejected', event: () => PAYLOAD },
  { name: 'a number', outcome: 'rejected', event: () => 42 },
];

/** Code points that must never reach a record or a mail: controls, separators, bidi, zero-width. */
function hostileCharacters(text: string): string[] {
  return [...text].filter((character) => {
    const c = character.codePointAt(0) ?? 0;
    return (
      (c <= 0x1f && c !== 0x0a) ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0x2028 ||
      c === 0x2029 ||
      (c >= 0x200b && c <= 0x200f) ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069)
    );
  });
}

/** Every string value in a record, wherever it sits. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

/** Asserts that nothing in the notice was injected: one-line fields, no line starting with the marker. */
function expectNoInjection(notice: ReceivedNotice, record: RemediationRecord) {
  for (const text of strings(record)) {
    expect(hostileCharacters(text)).toEqual([]);
    expect(text.includes('\n')).toBe(false);
  }
  expect(hostileCharacters(notice.subject ?? '')).toEqual([]);
  // The mail body is rendered from the record alone, the same way the handler renders it.
  const mail = renderNotice(record);
  expect(hostileCharacters(mail.text.replaceAll('\n', ''))).toEqual([]);
  const lines = mail.text.split('\n');
  expect(lines.filter((line) => line.trimStart().startsWith(MARK))).toEqual([]);
  expect(lines.filter((line) => line.trim() === 'How to undo')).toHaveLength(1);
  expect(lines.filter((line) => line.startsWith('Record (JSON'))).toHaveLength(1);
  expect(mail.subject).not.toContain('\n');
}

let world: World;
beforeAll(async () => {
  world = await buildWorld();
  // The member stack gives every member account-region its ledger; the handler writes there.
  await createLedgerTable(world.endpoint, {
    credentials: world.account('enforced').credentials,
    region: HOME_REGION,
  });
});

async function exposed(): Promise<{
  target: EventTarget;
  ruleId: string;
  rules: () => Promise<string[]>;
}> {
  const ec2 = world.account('enforced').ec2();
  const opened = await openSsh(ec2, 'private-and-world', {
    groupName: `hostile-${randomUUID().slice(0, 8)}`,
  });
  const details = await describeInboundRuleDetails(ec2, opened.groupId);
  const ruleId = details.find((r) => r.CidrIpv4 === '0.0.0.0/0')?.SecurityGroupRuleId ?? '';
  return {
    target: {
      groupId: opened.groupId,
      accountId: world.account('enforced').accountId,
      region: HOME_REGION,
    },
    ruleId,
    rules: async () =>
      (await describeInboundRuleDetails(ec2, opened.groupId))
        .map((r) => formatRule(comparableRule(r)))
        .sort(),
  };
}

describe('the handler with hostile and malformed events', () => {
  it('covers at least 30 of them', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, hostile) => {
    // Prepare
    const { target, ruleId, rules } = await exposed();
    const before = await rules();
    const event = hostile.event(target, ruleId);
    await readNotices(world);
    const remediator = await coldStart(world, { account: 'enforced' });

    // Act
    const classified = (() => {
      try {
        const parsed = parseEvent(event);
        return parsed.findings.length > 0 ? 'finding' : 'ignored';
      } catch {
        return 'rejected';
      }
    })();
    await remediator.invoke(event);
    const notices = (await readNotices(world)).filter((n) => n.record?.groupId === target.groupId);
    const after = await rules();

    // Assess
    const expectedClass = hostile.outcome === 'foreign' ? 'finding' : hostile.outcome;
    expect(classified).toBe(expectedClass);
    if (hostile.outcome !== 'finding') {
      expect(after).toEqual(before);
      expect(notices).toEqual([]);
      return;
    }
    expect(after).not.toContain('tcp 22 0.0.0.0/0');
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    const record = notice?.record;
    if (!notice || !record) throw new Error('no record in the notice');
    expect(record.action).toBe('remediated');
    expectNoInjection(notice, record);
    hostile.check?.(record);
  });
});
