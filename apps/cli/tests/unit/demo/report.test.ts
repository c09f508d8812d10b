import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/audit/report.js';
import { jsonReporter, textReporter } from '../../../src/demo/report.js';
import { memoryIo } from '../../../src/io.js';

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
