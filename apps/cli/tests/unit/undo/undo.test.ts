import type {
  GroupSnapshot,
  InboundRule,
  RecordedRule,
  RemediationRecord,
  RuleToAuthorize,
  SecurityGroupGateway,
} from '@sg-guard/remediation-core';
import { describe, expect, it } from 'vitest';
import { newestFirst, renderUndoResults, undoRecords } from '../../../src/undo/undo.js';

const world = (fromPort: number, toPort: number, ruleId?: string): InboundRule => ({
  ...(ruleId ? { ruleId } : {}),
  protocol: 'tcp',
  fromPort,
  toPort,
  source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' },
});

function record(
  overrides: Partial<RemediationRecord> & Pick<RemediationRecord, 'recordId' | 'time'>,
): RemediationRecord {
  return {
    schemaVersion: 1,
    action: 'remediated',
    mode: 'enforce',
    accountId: '111122223333',
    region: 'eu-west-1',
    groupId: 'sg-1',
    trigger: 'cli',
    strategy: 'narrow',
    appliedStrategy: 'narrow',
    exposures: [],
    revoked: [],
    authorized: [],
    dropped: [],
    policySource: { kind: 'default' },
    warnings: [],
    ...overrides,
  };
}

/** An in-memory group behind the gateway port, recording the calls. */
function fakeGateway(
  rules: InboundRule[],
): SecurityGroupGateway & { calls: string[]; rules: InboundRule[] } {
  let next = 100;
  const gateway = {
    calls: [] as string[],
    rules,
    async loadGroup(): Promise<GroupSnapshot | undefined> {
      return { groupId: 'sg-1', rules: [...gateway.rules] };
    },
    async loadPrefixLists() {
      return new Map();
    },
    async authorize(
      _groupId: string,
      toAdd: readonly RuleToAuthorize[],
    ): Promise<readonly RecordedRule[]> {
      if (toAdd.length > 0)
        gateway.calls.push(`authorize ${toAdd.map((r) => `${r.fromPort}-${r.toPort}`).join(',')}`);
      const added = toAdd.map((rule) => ({ ...rule, ruleId: `sgr-${next++}` }));
      gateway.rules.push(...added);
      return added;
    },
    async revoke(_groupId: string, ids: readonly string[]) {
      if (ids.length > 0) gateway.calls.push(`revoke ${ids.join(',')}`);
      gateway.rules = gateway.rules.filter((rule) => !ids.includes(rule.ruleId ?? ''));
      return { revoked: [...ids], alreadyGone: [] };
    },
  };
  return gateway;
}

describe('undoRecords', () => {
  it('re-authorizes what was revoked before revoking what was authorized', async () => {
    // Prepare: a narrowed tcp 0-65535.
    const gateway = fakeGateway([world(0, 21, 'sgr-a'), world(23, 65535, 'sgr-b')]);
    const narrowed = record({
      recordId: 'r1',
      time: '2026-11-27T10:00:00Z',
      revoked: [world(0, 65535, 'sgr-old')],
      authorized: [world(0, 21, 'sgr-a'), world(23, 65535, 'sgr-b')],
    });

    // Act
    const [result] = await undoRecords([narrowed], async () => gateway, { dryRun: false });

    // Assess
    expect(gateway.calls).toEqual(['authorize 0-65535', 'revoke sgr-a,sgr-b']);
    expect(gateway.rules.map((r) => `${r.fromPort}-${r.toPort}`)).toEqual(['0-65535']);
    expect(result?.status).toBe('undone');
  });

  it('revokes an authorized rule recorded without an id by matching its access', async () => {
    // Prepare
    const gateway = fakeGateway([world(0, 21, 'sgr-a'), world(23, 65535, 'sgr-b')]);
    const narrowed = record({
      recordId: 'r1',
      time: '2026-11-27T10:00:00Z',
      revoked: [world(0, 65535, 'sgr-old')],
      authorized: [world(0, 21), world(23, 65535, 'sgr-b')],
    });

    // Act
    const [result] = await undoRecords([narrowed], async () => gateway, { dryRun: false });

    // Assess
    expect(gateway.calls).toEqual(['authorize 0-65535', 'revoke sgr-b,sgr-a']);
    expect(
      result?.steps.find((s) => s.rule.fromPort === 0 && s.action === 'revoke')?.matchedRuleId,
    ).toBe('sgr-a');
  });

  it('skips steps already in place and reports the record as already undone', async () => {
    // Prepare: the world rule is back and the narrowing rules are gone.
    const gateway = fakeGateway([world(22, 22, 'sgr-new')]);
    const revoked = record({
      recordId: 'r1',
      time: '2026-11-27T10:00:00Z',
      revoked: [world(22, 22, 'sgr-old')],
      authorized: [world(23, 30, 'sgr-x')],
    });

    // Act
    const [result] = await undoRecords([revoked], async () => gateway, { dryRun: false });

    // Assess
    expect(gateway.calls).toEqual([]);
    expect(result?.status).toBe('already-undone');
    expect(result?.steps.map((s) => s.result)).toEqual(['already-in-place', 'already-gone']);
  });

  it('changes nothing in a dry run', async () => {
    // Prepare
    const gateway = fakeGateway([]);
    const revoked = record({
      recordId: 'r1',
      time: '2026-11-27T10:00:00Z',
      revoked: [world(22, 22, 'sgr-old')],
    });

    // Act
    const results = await undoRecords([revoked], async () => gateway, { dryRun: true });

    // Assess
    expect(gateway.calls).toEqual([]);
    expect(renderUndoResults(results, true)).toBe(
      '2026-11-27T10:00:00Z 111122223333 eu-west-1 sg-1 [remediated r1]: undone\n' +
        '  + would re-authorize tcp 22 from 0.0.0.0/0\n' +
        '1 record(s): 1 would be undone, 0 failed\n',
    );
  });

  it('has nothing to undo for a record that changed nothing, and reads no group for it', async () => {
    // Prepare
    let entered = 0;
    const notify = record({
      recordId: 'r1',
      time: '2026-11-27T10:00:00Z',
      action: 'would-remediate',
      revoked: [world(22, 22, 'sgr-1')],
    });

    // Act
    const [result] = await undoRecords(
      [notify],
      async () => {
        entered += 1;
        return fakeGateway([]);
      },
      { dryRun: false },
    );

    // Assess
    expect(result?.status).toBe('nothing-to-undo');
    expect(entered).toBe(0);
  });

  it('reports a group that no longer exists, or an account it cannot enter, and goes on', async () => {
    // Prepare
    const gone = { ...fakeGateway([]), loadGroup: async () => undefined };
    const records = [
      record({ recordId: 'gone', time: '2026-11-27T10:00:02Z', revoked: [world(22, 22, 'sgr-1')] }),
      record({
        recordId: 'locked',
        time: '2026-11-27T10:00:01Z',
        accountId: '999999999999',
        revoked: [world(22, 22, 'sgr-2')],
      }),
    ];

    // Act
    const results = await undoRecords(
      records,
      async (accountId) => {
        if (accountId === '999999999999') throw new Error('sts:AssumeRole was denied');
        return gone;
      },
      { dryRun: false },
    );

    // Assess
    expect(results.map((r) => [r.recordId, r.status, r.error?.message])).toEqual([
      ['gone', 'failed', 'security group sg-1 no longer exists'],
      ['locked', 'failed', 'sts:AssumeRole was denied'],
    ]);
  });
});

describe('newestFirst', () => {
  it('orders by time, newest first, and later lines first among equal times', () => {
    // Prepare
    const records = [
      record({ recordId: 'a', time: '2026-11-27T10:00:00Z' }),
      record({ recordId: 'b', time: '2026-11-27T11:00:00Z' }),
      record({ recordId: 'c', time: '2026-11-27T10:00:00Z' }),
    ];

    // Act
    const ordered = newestFirst(records);

    // Assess
    expect(ordered.map((r) => r.recordId)).toEqual(['b', 'c', 'a']);
  });
});
