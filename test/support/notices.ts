import { formatRules, type InboxNotice, type OpenedGroup } from '@sg-guard/emulator';
import type { RecordedRule, RemediationRecord } from '@sg-guard/remediation-core';
import { expect } from 'vitest';
import type { World } from './world.js';

/** A notice as the central queue delivered it, with the remediator's record. */
export type ReceivedNotice = InboxNotice<RemediationRecord>;

/** Every notice that reached the central queue since the last read. */
export function readNotices(world: World): Promise<ReceivedNotice[]> {
  return world.inbox.readNotices<RemediationRecord>();
}

/** Recorded rules as sorted `formatRule` lines, to compare with what EC2 describes. */
export function ruleLines(rules: readonly RecordedRule[]): string[] {
  return formatRules(
    rules.map((rule) => ({
      protocol: rule.protocol,
      fromPort: rule.fromPort,
      toPort: rule.toPort,
      source:
        rule.source.kind === 'cidr'
          ? rule.source.cidr
          : rule.source.kind === 'prefix-list'
            ? rule.source.prefixListId
            : rule.source.groupId,
    })),
  );
}

/** What a test expects of the one notice about a group. */
export interface ExpectedNotice {
  readonly action: RemediationRecord['action'];
  readonly mode: RemediationRecord['mode'];
  readonly accountId: string;
  readonly accountName: string;
  readonly region: string;
  readonly group: Pick<OpenedGroup, 'groupId' | 'groupName' | 'vpcId'>;
  readonly trigger: RemediationRecord['trigger'];
  readonly strategy: RemediationRecord['strategy'];
}

/**
 * Asserts that `notices` is exactly one notice about `expected.group`, with the attributes,
 * subject and record fields every notice must carry, and returns its record for the
 * test's own assertions on exposures and changes.
 */
export function expectOneNotice(
  notices: readonly ReceivedNotice[],
  expected: ExpectedNotice,
): RemediationRecord {
  expect(notices).toHaveLength(1);
  const [notice] = notices;
  const record = notice?.record;
  if (!notice || !record) throw new Error(`the notice carries no JSON record: ${notice?.text}`);
  expect(notice.attributes).toEqual({
    action: expected.action,
    accountId: expected.accountId,
    region: expected.region,
    severity: expect.stringMatching(/^(critical|high|medium|low)$/),
  });
  expect(notice.subject).toMatch(/^\[sg-guard\] /);
  expect(notice.subject?.length).toBeLessThan(100);
  for (const part of [expected.group.groupId, expected.accountId, expected.region]) {
    expect(notice.subject).toContain(part);
  }
  expect(record).toMatchObject({
    schemaVersion: 1,
    recordId: expect.any(String),
    time: expect.any(String),
    action: expected.action,
    mode: expected.mode,
    accountId: expected.accountId,
    accountName: expected.accountName,
    region: expected.region,
    groupId: expected.group.groupId,
    groupName: expected.group.groupName,
    vpcId: expected.group.vpcId,
    trigger: expected.trigger,
    strategy: expected.strategy,
  });
  return record;
}

/** The lines of `after` that `before` did not hold: what a remediation authorized. */
export const added = (before: readonly string[], after: readonly string[]): string[] =>
  after.filter((line) => !before.includes(line));
