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
});
