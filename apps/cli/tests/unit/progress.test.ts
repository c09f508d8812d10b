import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/io.js';
import { progressLine } from '../../src/progress.js';

const step = { done: 1, total: 4, exposedGroups: 2, failed: 1 };

describe('progressLine', () => {
  it('rewrites one line on a terminal and erases it when done', () => {
    // Prepare
    const io = memoryIo({ tty: true });

    // Act
    const line = progressLine(io.stderr, true);
    line.update(step);
    line.done();

    // Assess
    expect(io.stderrText()).toBe(
      '\r\x1b[2K1/4 account-regions scanned, 2 exposed group(s), 1 failed\r\x1b[2K',
    );
  });

  it('writes nothing when stderr is not a terminal, or when disabled', () => {
    // Prepare
    const piped = memoryIo();
    const json = memoryIo({ tty: true });

    // Act
    for (const line of [progressLine(piped.stderr, true), progressLine(json.stderr, false)]) {
      line.update(step);
      line.done();
    }

    // Assess
    expect(piped.stderrText()).toBe('');
    expect(json.stderrText()).toBe('');
  });
});
