import { memoryIo, summarize } from '@sg-guard/cli';
import { describe, expect, it } from 'vitest';
import { jsonReporter, textReporter } from '../../src/report.js';

const REPORT = {
  generatedAt: '2026-11-27T10:00:00.000Z',
  ports: [22],
  strategy: 'narrow' as const,
  accounts: [],
  summary: summarize([]),
};
const INVOCATION = {
  trigger: 'config-sns' as const,
  account: 'security' as const,
  accountId: '111122223333',
  region: 'eu-west-1',
  groupId: 'sg-1',
  groupName: 'ssh-tcp-22-world-v4',
  outcome: 'remediated',
};
const MAIL = {
  subject: '[sg-guard] remediated: SSH open to the internet on sg-1 in 111122223333 eu-west-1',
  text: 'sg-guard closed port 22.\n\nRecord (JSON, one line):\n{"schemaVersion":1,"recordId":"r1"}\n',
  delivered: true,
};

describe('textReporter', () => {
  it('narrates each phase under a heading, with the mails and the outcome of each event', () => {
    // Prepare
    const io = memoryIo();
    const reporter = textReporter(io.stdout);

    // Act
    reporter.emulatorStarted('http://127.0.0.1:5000');
    reporter.estateBuilt({
      accounts: [{ name: 'security', accountId: '111122223333', note: 'enforce' }],
      groups: 2,
      exposed: 1,
    });
    reporter.audited('before', REPORT);
    reporter.invoked(INVOCATION);
    reporter.invoked({ ...INVOCATION, outcome: 'not-exposed', repeat: true });
    reporter.inbox([MAIL, { ...MAIL, delivered: false }]);
    reporter.recordsWritten('/tmp/sg-guard-demo-records.jsonl', [{ recordId: 'r-1' }]);
    reporter.audited('after', REPORT);
    reporter.finished(12_345);

    // Assess
    const text = io.stdoutText();
    expect(text.split('\n').filter((line) => line.startsWith('## '))).toEqual([
      '## Emulator: moto_server at http://127.0.0.1:5000',
      '## Audit before (sg-guard audit --org --regions eu-west-1,us-east-1)',
      '## Remediator Lambda: the real handler, one container per account and region, real event shapes',
      '## Central inbox: 2 mail(s) to the security team',
      '## Records: 1 remediation record(s) from the central queue',
      '## Audit after: only what notify and off accounts keep on purpose',
    ]);
    expect(text).toContain(
      'config-sns                 security   eu-west-1  ssh-tcp-22-world-v4        -> remediated (mail sent)\n',
    );
    expect(text).toContain(
      'config-sns (again)         security   eu-west-1  ssh-tcp-22-world-v4        -> nothing exposed any more: no change, no mail\n',
    );
    expect(text).toContain(
      `--- mail 1 of 2 ---\nSubject: ${MAIL.subject}\n\nsg-guard closed port 22.\n\nRecord (JSON, one line):\n{…the record, 35 characters of JSON…}\n`,
    );
    expect(text).toContain('--- mail 2 of 2 [NOT DELIVERED TO THE TOPIC QUEUE] ---');
    expect(text).toContain('Written to /tmp/sg-guard-demo-records.jsonl (JSON Lines');
    expect(text.endsWith('\nDone in 12.3 s; emulator stopped.\n')).toBe(true);
  });
});

describe('jsonReporter', () => {
  it('collects the summary of the run', () => {
    // Prepare
    const reporter = jsonReporter();

    // Act
    reporter.estateBuilt({ accounts: [], groups: 2, exposed: 1 });
    reporter.audited('before', REPORT);
    reporter.invoked(INVOCATION);
    reporter.inbox([MAIL]);
    reporter.recordsWritten('/tmp/records.jsonl', [{ recordId: 'r-1' }]);
    const summary = reporter.summary(1000);

    // Assess
    expect(summary).toEqual({
      durationMs: 1000,
      accounts: [],
      groups: { total: 2, exposed: 1 },
      before: REPORT.summary,
      invocations: [INVOCATION],
      inbox: [{ subject: MAIL.subject, delivered: true }],
      recordsFile: '/tmp/records.jsonl',
      records: [{ recordId: 'r-1' }],
    });
  });
});

const UNDO = {
  command: 'sg-guard undo --records /tmp/records.jsonl --yes',
  recordId: 'r-1',
  accountId: '111122223333',
  region: 'eu-west-1',
  groupId: 'sg-1',
  groupName: 'ssh-tcp-22-world-v4',
  preview: {
    groups: [
      {
        accountId: '111122223333',
        region: 'eu-west-1',
        groupId: 'sg-1',
        groupName: 'ssh-tcp-22-world-v4',
        reopened: [
          {
            protocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            source: { kind: 'cidr' as const, family: 'ipv4' as const, cidr: '0.0.0.0/0' },
          },
        ],
        changes: 1,
        unverified: [],
      },
    ],
  },
  results: [
    {
      recordId: 'r-1',
      time: '2026-11-27T10:00:00.000Z',
      action: 'remediated' as const,
      accountId: '111122223333',
      region: 'eu-west-1',
      groupId: 'sg-1',
      groupName: 'ssh-tcp-22-world-v4',
      status: 'undone' as const,
      verification: { status: 'verified' as const, entryStatus: 'published' as const },
      steps: [],
    },
  ],
  rulesBefore: [],
  rulesAfter: ['tcp 22 0.0.0.0/0'],
};

describe('the closing undo', () => {
  it('prints what the undo re-opens, its verified result and the group re-described', () => {
    // Prepare
    const io = memoryIo();
    const reporter = textReporter(io.stdout);

    // Act
    reporter.undone(UNDO);

    // Assess
    const text = io.stdoutText();
    expect(text).toContain(
      '## Undo: one record of that file, verified against the ledger, then reversed',
    );
    expect(text).toContain('$ sg-guard undo --records /tmp/records.jsonl --yes  (only record r-1)');
    expect(text).toContain('RE-OPENS TO THE WORLD:');
    expect(text).toContain('verified: matches its ledger entry (published)');
    expect(text).toContain('  before the undo: (none)\n  after the undo:  tcp 22 0.0.0.0/0\n');
  });

  it('is in the JSON summary with its results and the rules before and after', () => {
    // Prepare
    const reporter = jsonReporter();

    // Act
    reporter.undone(UNDO);

    // Assess
    expect(reporter.summary(1).undo).toEqual({
      recordId: 'r-1',
      groupId: 'sg-1',
      results: UNDO.results,
      rulesBefore: [],
      rulesAfter: ['tcp 22 0.0.0.0/0'],
    });
  });
});
