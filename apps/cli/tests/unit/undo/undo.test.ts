import type {
  GroupSnapshot,
  InboundRule,
  LedgerEntry,
  LedgerStatus,
  RecordedRule,
  RemediationLedger,
  RemediationRecord,
  RuleToAuthorize,
  SecurityGroupGateway,
} from '@sg-guard/remediation-core';
import { describe, expect, it } from 'vitest';
import {
  newestFirst,
  renderPreview,
  renderUndoResults,
  type UndoDependencies,
  type UndoPreview,
  undoExitCode,
  undoRecords,
} from '../../../src/undo/undo.js';

const world = (fromPort: number, toPort: number, ruleId?: string): InboundRule => ({
  ...(ruleId ? { ruleId } : {}),
  protocol: 'tcp',
  fromPort,
  toPort,
  source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' },
});

const created = (rule: InboundRule, flag = true): RecordedRule => ({ ...rule, created: flag });

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

type FakeGateway = SecurityGroupGateway & { calls: string[]; rules: InboundRule[] };

/** An in-memory group behind the gateway port, recording the calls. */
function fakeGateway(rules: InboundRule[]): FakeGateway {
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
      gateway.calls.push(`authorize ${toAdd.map((r) => `${r.fromPort}-${r.toPort}`).join(',')}`);
      const added = toAdd.map((rule) => ({ ...rule, ruleId: `sgr-${next++}` }));
      gateway.rules.push(...added);
      return added;
    },
    async revoke(_groupId: string, ids: readonly string[]) {
      gateway.calls.push(`revoke ${ids.join(',')}`);
      gateway.rules = gateway.rules.filter((rule) => !ids.includes(rule.ruleId ?? ''));
      return { revoked: [...ids], alreadyGone: [] };
    },
    async revokeRules() {
      throw new Error('undo revokes by rule id');
    },
  };
  return gateway as unknown as FakeGateway;
}

/**
 * An in-memory ledger holding closed entries. Only the reads undo uses are there: any other
 * method of the port fails the test, since undo must never write the ledger.
 */
function fakeLedger(entries: LedgerEntry[]): RemediationLedger & { reads: number } {
  const reads = {
    reads: 0,
    async getEntry(groupId: string, recordId: string) {
      reads.reads += 1;
      return entries.find((e) => e.groupId === groupId && e.recordId === recordId);
    },
    async listEntries(groupId: string) {
      reads.reads += 1;
      return entries
        .filter((e) => e.groupId === groupId)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
  };
  return new Proxy(reads, {
    get(target, name, receiver) {
      if (name in target) return Reflect.get(target, name, receiver);
      // Not a thenable: the ledger is handed out from async functions.
      if (name === 'then' || typeof name === 'symbol') return undefined;
      return async () => {
        throw new Error(`undo called ledger.${String(name)}: it only reads the ledger`);
      };
    },
  }) as unknown as RemediationLedger & { reads: number };
}

/** The ledger entry the remediator would have written for `r`. */
function entryFor(r: RemediationRecord, status: LedgerStatus = 'published'): LedgerEntry {
  return {
    schemaVersion: 1,
    recordId: r.recordId,
    accountId: r.accountId,
    region: r.region,
    groupId: r.groupId,
    status,
    createdAt: r.time,
    updatedAt: r.time,
    decision: {} as LedgerEntry['decision'],
    applied: { revoked: r.revoked, authorized: r.authorized },
    record: structuredClone(r),
  };
}

/** Dependencies over one group and one ledger; `confirm` answers `answer` and keeps the preview. */
function deps(
  gateway: FakeGateway,
  ledger: RemediationLedger,
  answer = true,
): UndoDependencies & { previews: UndoPreview[]; entered: string[] } {
  const previews: UndoPreview[] = [];
  const entered: string[] = [];
  return {
    previews,
    entered,
    gatewayFor: async (accountId) => {
      entered.push(accountId);
      return gateway;
    },
    ledgerFor: async () => ledger,
    confirm: async (preview) => {
      previews.push(preview);
      return answer;
    },
  };
}

const ACT = { dryRun: false, force: false };

/** A narrowed tcp 0-65535: sg-guard created 0-21 and 23-65535. */
const narrowed = record({
  recordId: 'r1',
  time: '2026-11-27T10:00:00Z',
  revoked: [world(0, 65535, 'sgr-old')],
  authorized: [created(world(0, 21, 'sgr-a')), created(world(23, 65535, 'sgr-b'))],
});

describe('undoRecords, for a record its ledger confirms', () => {
  it('re-authorizes what was revoked before revoking what sg-guard created', async () => {
    // Prepare
    const gateway = fakeGateway([world(0, 21, 'sgr-a'), world(23, 65535, 'sgr-b')]);

    // Act
    const [result] = await undoRecords(
      [narrowed],
      deps(gateway, fakeLedger([entryFor(narrowed)])),
      ACT,
    );

    // Assess
    expect(gateway.calls).toEqual(['authorize 0-65535', 'revoke sgr-a,sgr-b']);
    expect(gateway.rules.map((r) => `${r.fromPort}-${r.toPort}`)).toEqual(['0-65535']);
    expect(result?.status).toBe('undone');
    expect(result?.verification).toEqual({ status: 'verified', entryStatus: 'published' });
  });

  it('revokes only what sg-guard created: a rule that existed before and an old rule without id stay', async () => {
    // Prepare
    const existed = created(world(23, 65535, 'sgr-b'), false);
    const oldNoId = world(0, 21);
    const r = record({
      recordId: 'r1',
      time: '2026-11-27T10:00:00Z',
      revoked: [world(0, 65535, 'sgr-old')],
      authorized: [oldNoId, existed, created(world(80, 80))],
    });
    const gateway = fakeGateway([
      world(0, 21, 'sgr-a'),
      world(23, 65535, 'sgr-b'),
      world(80, 80, 'sgr-c'),
    ]);

    // Act
    const [result] = await undoRecords([r], deps(gateway, fakeLedger([entryFor(r)])), ACT);

    // Assess: the created rule recorded without id is found by its access.
    expect(gateway.calls).toEqual(['authorize 0-65535', 'revoke sgr-c']);
    expect(result?.steps.filter((s) => s.result === 'left-alone').map((s) => s.why)).toEqual([
      'unknown-origin',
      'existed-before',
    ]);
  });

  it('skips steps already in place and reports the record as already undone', async () => {
    // Prepare: the world rule is back and the narrowing rules are gone.
    const gateway = fakeGateway([world(22, 22, 'sgr-new')]);
    const r = record({
      recordId: 'r1',
      time: '2026-11-27T10:00:00Z',
      revoked: [world(22, 22, 'sgr-old')],
      authorized: [created(world(23, 30, 'sgr-x'))],
    });
    const dependencies = deps(gateway, fakeLedger([entryFor(r)]));

    // Act
    const [result] = await undoRecords([r], dependencies, ACT);

    // Assess
    expect(gateway.calls).toEqual([]);
    expect(dependencies.previews).toEqual([]);
    expect(result?.status).toBe('already-undone');
    expect(result?.steps.map((s) => s.result)).toEqual(['already-in-place', 'already-gone']);
  });

  it('says "would undo", never "undone", in a dry run, changes nothing and asks nothing', async () => {
    // Prepare
    const gateway = fakeGateway([]);
    const r = record({
      recordId: 'r1',
      time: '2026-11-27T10:00:00Z',
      revoked: [world(22, 22, 'sgr-old')],
    });
    const dependencies = deps(gateway, fakeLedger([entryFor(r)]));

    // Act
    const results = await undoRecords([r], dependencies, { dryRun: true, force: false });

    // Assess
    expect(gateway.calls).toEqual([]);
    expect(dependencies.previews).toEqual([]);
    const text = renderUndoResults(results, true);
    expect(text).toBe(
      '2026-11-27T10:00:00Z 111122223333 eu-west-1 sg-1 [remediated r1]: would undo\n' +
        '  verified: matches its ledger entry (published)\n' +
        '  + would re-authorize tcp 22 from 0.0.0.0/0 (re-opens to the world)\n' +
        '1 record(s): 1 would undo, 0 refused, 0 failed\n',
    );
    expect(text).not.toContain('undone');
  });

  it('shows per group what will be re-opened to the world before acting, and changes nothing on a no', async () => {
    // Prepare
    const gateway = fakeGateway([world(0, 21, 'sgr-a'), world(23, 65535, 'sgr-b')]);
    const dependencies = deps(gateway, fakeLedger([entryFor(narrowed)]), false);

    // Act
    const results = await undoRecords([narrowed], dependencies, ACT);

    // Assess
    expect(gateway.calls).toEqual([]);
    expect(results.map((r) => r.status)).toEqual(['declined']);
    expect(undoExitCode(results)).toBe(1);
    expect(dependencies.previews).toHaveLength(1);
    expect(renderPreview(dependencies.previews[0] as UndoPreview)).toBe(
      'sg-1 in 111122223333 eu-west-1: 3 change(s)\n' +
        '  RE-OPENS TO THE WORLD:\n' +
        '    + tcp 0-65535 from 0.0.0.0/0\n',
    );
  });

  it('has nothing to undo for a record that changed nothing, and reads neither ledger nor group', async () => {
    // Prepare
    const notify = record({
      recordId: 'r1',
      time: '2026-11-27T10:00:00Z',
      action: 'would-remediate',
      revoked: [world(22, 22, 'sgr-1')],
    });
    const ledger = fakeLedger([]);
    const dependencies = deps(fakeGateway([]), ledger);

    // Act
    const [result] = await undoRecords([notify], dependencies, ACT);

    // Assess
    expect(result?.status).toBe('nothing-to-undo');
    expect(ledger.reads).toBe(0);
    expect(dependencies.entered).toEqual([]);
  });

  it('reports a group that no longer exists and goes on', async () => {
    // Prepare
    const gone = { ...fakeGateway([]), loadGroup: async () => undefined } as FakeGateway;
    const r = record({ recordId: 'gone', time: '2026-11-27T10:00:02Z', revoked: [world(22, 22)] });
    const dependencies = { ...deps(gone, fakeLedger([entryFor(r)])) };

    // Act
    const results = await undoRecords([r, narrowed], dependencies, ACT);

    // Assess
    expect(results.map((x) => [x.recordId, x.status, x.error?.message])).toEqual([
      ['gone', 'failed', 'security group sg-1 no longer exists'],
      ['r1', 'refused', undefined],
    ]);
  });
});

describe('undoRecords, for a record its ledger does not confirm', () => {
  const gatewayOfNarrowed = () => fakeGateway([world(0, 21, 'sgr-a'), world(23, 65535, 'sgr-b')]);

  it('refuses a forged record with no ledger entry and changes nothing', async () => {
    // Prepare
    const gateway = gatewayOfNarrowed();

    // Act
    const results = await undoRecords([narrowed], deps(gateway, fakeLedger([])), ACT);

    // Assess
    expect(gateway.calls).toEqual([]);
    expect(results[0]).toMatchObject({
      status: 'refused',
      verification: {
        status: 'unverified',
        reason: 'no ledger entry for record r1 of sg-1 in account 111122223333, eu-west-1',
      },
    });
    expect(undoExitCode(results)).toBe(1);
  });

  it('refuses a record tampered with an extra world re-authorization, naming what differs', async () => {
    // Prepare
    const gateway = gatewayOfNarrowed();
    const tampered = { ...narrowed, revoked: [...narrowed.revoked, world(22, 22, 'sgr-evil')] };

    // Act
    const [result] = await undoRecords(
      [tampered],
      deps(gateway, fakeLedger([entryFor(narrowed)])),
      ACT,
    );

    // Assess
    expect(gateway.calls).toEqual([]);
    expect(result?.status).toBe('refused');
    expect(result?.verification).toEqual({
      status: 'unverified',
      reason: 'the record differs from its ledger entry in revoked[1] (not in the ledger)',
      differences: ['revoked[1] (not in the ledger)'],
    });
  });

  it.each([
    [
      'a changed source',
      {
        revoked: [
          {
            ...world(0, 65535, 'sgr-old'),
            source: { kind: 'cidr', family: 'ipv4', cidr: '10.0.0.0/8' },
          },
        ],
      },
      ['revoked[0].source.cidr'],
    ],
    [
      'a created flag turned on',
      {
        authorized: [
          created(world(0, 21, 'sgr-a')),
          created(world(23, 65535, 'sgr-b')),
          created(world(443, 443, 'sgr-legit')),
        ],
      },
      ['authorized[2] (not in the ledger)'],
    ],
    ['another action', { action: 'failed', error: { code: 'X', message: 'x' } }, ['action']],
    [
      'a changed description',
      { revoked: [{ ...world(0, 65535, 'sgr-old'), description: 'x' }] },
      ['revoked[0].description'],
    ],
  ] as const)('refuses a record with %s', async (_what, change, expected) => {
    // Prepare
    const gateway = gatewayOfNarrowed();
    const tampered = { ...narrowed, ...change } as RemediationRecord;

    // Act
    const [result] = await undoRecords(
      [tampered],
      deps(gateway, fakeLedger([entryFor(narrowed)])),
      ACT,
    );

    // Assess
    expect(gateway.calls).toEqual([]);
    expect(result?.verification).toMatchObject({ status: 'unverified', differences: expected });
  });

  it.each(['intent', 'void'] as const)(
    'refuses a record whose ledger entry is %s',
    async (status) => {
      // Prepare
      const gateway = gatewayOfNarrowed();

      // Act
      const [result] = await undoRecords(
        [narrowed],
        deps(gateway, fakeLedger([entryFor(narrowed, status)])),
        ACT,
      );

      // Assess
      expect(gateway.calls).toEqual([]);
      expect(result?.verification).toMatchObject({
        reason: `the ledger entry is ${status}, not published or applied`,
      });
    },
  );

  it('refuses when the account-region has no ledger table', async () => {
    // Prepare
    const gateway = gatewayOfNarrowed();
    const missing = Object.assign(new Error('the ledger table sg-guard-ledger does not exist'), {
      code: 'LEDGER_MISSING',
    });
    const dependencies = {
      ...deps(gateway, fakeLedger([])),
      ledgerFor: async () => ({
        ...fakeLedger([]),
        getEntry: async () => {
          throw missing;
        },
      }),
    };

    // Act
    const [result] = await undoRecords([narrowed], dependencies, ACT);

    // Assess
    expect(gateway.calls).toEqual([]);
    expect(result?.verification).toMatchObject({
      reason: 'no ledger in account 111122223333, eu-west-1 (table sg-guard-ledger not found)',
    });
  });

  it('refuses a record of an account the credentials cannot reach', async () => {
    // Prepare
    const gateway = gatewayOfNarrowed();
    const elsewhere = { ...narrowed, accountId: '999999999999' };
    const dependencies = {
      ...deps(gateway, fakeLedger([])),
      ledgerFor: async () => {
        throw new Error('sts:AssumeRole was denied');
      },
    };

    // Act
    const [result] = await undoRecords([elsewhere], dependencies, ACT);

    // Assess
    expect(dependencies.entered).toEqual([]);
    expect(result?.verification).toMatchObject({
      reason:
        'cannot read the ledger in account 999999999999, eu-west-1: sts:AssumeRole was denied',
    });
  });

  it('acts on it with --force and says so loudly, in the preview and in the results', async () => {
    // Prepare
    const gateway = gatewayOfNarrowed();
    const dependencies = deps(gateway, fakeLedger([]));

    // Act
    const results = await undoRecords([narrowed], dependencies, { dryRun: false, force: true });

    // Assess
    expect(gateway.calls).toEqual(['authorize 0-65535', 'revoke sgr-a,sgr-b']);
    expect(results[0]).toMatchObject({
      status: 'undone',
      verification: { status: 'unverified', forced: true },
    });
    expect(renderPreview(dependencies.previews[0] as UndoPreview)).toContain(
      'NOT VERIFIED (--force): record r1: no ledger entry',
    );
    const text = renderUndoResults(results, false);
    expect(text).toContain('  NOT VERIFIED, acted on with --force: no ledger entry for record r1');
    expect(text).toContain(
      'WARNING: 1 record(s) were acted on without ledger verification (--force).',
    );
    expect(undoExitCode(results)).toBe(0);
  });
});

describe('renderUndoResults', () => {
  it("shows a forged record's names without control characters or extra lines", async () => {
    // Prepare
    const forged = record({
      recordId: 'r\u001b[2J',
      time: '2026-11-27T10:00:00Z',
      groupName: 'web\r\nFAKE: 1 record(s): 1 undone\u202e',
      revoked: [{ ...world(22, 22), description: 'x\u0007' }],
    });
    const results = await undoRecords([forged], deps(fakeGateway([]), fakeLedger([])), ACT);

    // Act
    const text = renderUndoResults(results, false);

    // Assess
    const controls = [...text].filter((c) => {
      const code = c.codePointAt(0) ?? 0;
      return (code < 0x20 && code !== 0x0a) || code === 0x202e;
    });
    expect(controls).toEqual([]);
    expect(text.split('\n').filter((line) => line.startsWith('FAKE'))).toEqual([]);
    expect(text).toContain('(web FAKE: 1 record(s): 1 undone)');
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
