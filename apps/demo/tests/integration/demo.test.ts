import { readFile, rm } from 'node:fs/promises';
import { memoryIo } from '@sg-guard/cli';
import { describe, expect, it, vi } from 'vitest';
import { runDemoCli } from '../../src/program.js';

interface DemoSummaryJson {
  groups: { total: number; exposed: number };
  before: { exposedGroups: number; failedAccountRegions: number };
  after: { exposedGroups: number; failedAccountRegions: number };
  invocations: { trigger: string; account: string; outcome: string; repeat?: boolean }[];
  inbox: { subject: string; delivered: boolean }[];
  recordsFile: string;
  records: { recordId: string; action: string; accountId: string; groupId: string }[];
  undo: {
    recordId: string;
    groupId: string;
    results: { status: string; verification?: { status: string } }[];
    rulesBefore: string[];
    rulesAfter: string[];
  };
}

describe('demo', () => {
  it('runs the whole loop on its own emulator: remediates enforce, mails notify, leaves off alone', async () => {
    // Prepare: the demo must not depend on the caller's AWS settings.
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:9');
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    // The SDK's once-per-process notice that its 2027 releases need Node 22 is not a test result.
    vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
    const io = memoryIo();

    // Act
    const code = await runDemoCli(['--json'], io);

    // Assess
    expect(io.stderrText()).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(io.stdoutText()) as DemoSummaryJson;
    expect(summary.groups).toEqual({ total: 14, exposed: 10 });
    expect(summary.before).toMatchObject({ exposedGroups: 10, failedAccountRegions: 0 });
    expect(summary.after).toMatchObject({ exposedGroups: 3, failedAccountRegions: 0 });
    const outcomes = summary.invocations.map(
      (i) => `${i.account} ${i.outcome}${i.repeat ? ' (again)' : ''}`,
    );
    expect(outcomes).toEqual([
      ...Array(7).fill('security remediated'),
      'analytics would-remediate',
      'analytics would-remediate',
      'legacy skipped-off',
      'security not-exposed (again)',
    ]);
    expect(new Set(summary.invocations.map((i) => i.trigger))).toEqual(
      new Set(['config-sns', 'config-eventbridge', 'cloudtrail']),
    );
    expect(summary.inbox).toHaveLength(9);
    expect(summary.inbox.every((mail) => mail.delivered && mail.subject.length < 100)).toBe(true);
    expect(io.interruptHooks.size).toBe(0);
    // The inbox's records: one per mail, in the JSON and in the file, as `undo --records` reads.
    expect(summary.records).toHaveLength(summary.inbox.length);
    expect(new Set(summary.records.map((r) => r.action))).toEqual(
      new Set(['remediated', 'would-remediate']),
    );
    const lines = (await readFile(summary.recordsFile, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual(summary.records);
    // It ends with a real undo of one remediated record of that file: confirmed by the ledger
    // entry the remediator wrote, and the group re-described shows the rule back.
    const undone = summary.records.find((r) => r.recordId === summary.undo.recordId);
    expect(undone).toMatchObject({ action: 'remediated', groupId: summary.undo.groupId });
    expect(summary.undo.results).toEqual([
      expect.objectContaining({
        status: 'undone',
        verification: expect.objectContaining({ status: 'verified' }),
      }),
    ]);
    expect(summary.undo.rulesAfter).not.toEqual(summary.undo.rulesBefore);
    expect(summary.undo.rulesAfter).toContain('tcp 22 0.0.0.0/0');
    await rm(summary.recordsFile);
  });
});
