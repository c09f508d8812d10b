import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../../src/io.js';
import { runCli } from '../../../src/program.js';

describe('undo command', () => {
  it('exits 1 naming the line of a record that is not valid, before any AWS call', async () => {
    // Prepare
    const io = memoryIo({ stdinText: '\n{"schemaVersion": 1}\n' });

    // Act
    const code = await runCli(['undo', '--records', '-'], io);

    // Assess
    expect(code).toBe(1);
    expect(io.stderrText()).toMatch(/^sg-guard: -: invalid remediation record on line 2/);
  });

  it('exits 1 when the records file does not exist', async () => {
    // Prepare
    const io = memoryIo();

    // Act
    const code = await runCli(['undo', '--records', '/nonexistent/records.jsonl', '--json'], io);

    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(io.stdoutText()).error.code).toBe('INPUT');
  });

  it('reports nothing to do for an empty file', async () => {
    // Prepare
    const io = memoryIo({ stdinText: '' });

    // Act
    const code = await runCli(['undo', '--records', '-'], io);

    // Assess
    expect(code).toBe(0);
    expect(io.stdoutText()).toBe('No records.\n');
  });

  it.each([
    [[], 'name --records <file|-> or --from-ledger'],
    [
      [
        '--records',
        '-',
        '--from-ledger',
        '--group',
        'sg-01234567',
        '--account',
        '111122223333',
        '--region',
        'eu-west-1',
      ],
      '--records and --from-ledger exclude each other',
    ],
    [['--from-ledger', '--group', 'sg-01234567'], '--from-ledger needs --account'],
    [['--records', '-', '--group', 'sg-01234567'], '--group and --record go with --from-ledger'],
    [
      ['--from-ledger', '--group', 'sg-1', '--account', '111122223333', '--region', 'eu-west-1'],
      '--group: not a security group id',
    ],
  ])('exits 1 on a usage error before any AWS call: %j', async (args, message) => {
    // Prepare
    const io = memoryIo();

    // Act
    const code = await runCli(['undo', ...args], io);

    // Assess
    expect(code).toBe(1);
    expect(io.stderrText()).toContain(message);
  });
});
