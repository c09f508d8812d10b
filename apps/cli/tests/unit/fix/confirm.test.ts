import { describe, expect, it } from 'vitest';
import { confirm } from '../../../src/fix/confirm.js';
import { memoryIo } from '../../../src/io.js';

describe('confirm', () => {
  it('refuses with a typed error when stdin is not a terminal', async () => {
    // Act
    const asking = confirm(memoryIo({ stdinText: 'y\n' }), 'Apply?');

    // Assess
    await expect(asking).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
  });

  it.each([
    ['y\n', true],
    ['YES\n', true],
    ['n\n', false],
    ['\n', false],
    ['', false],
  ])('answers %j as %s', async (answer, expected) => {
    // Prepare
    const io = memoryIo({ tty: true, stdinText: answer });

    // Act
    const confirmed = await confirm(io, 'Apply?');

    // Assess
    expect(confirmed).toBe(expected);
    expect(io.stderrText()).toBe('Apply? [y/N] ');
  });
});
