import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/errors.js';
import { memoryIo } from '../../../src/io.js';
import { confirmUndo } from '../../../src/undo/confirm.js';
import type { UndoPreview } from '../../../src/undo/undo.js';

const PREVIEW: UndoPreview = {
  groups: [
    {
      accountId: '111122223333',
      region: 'eu-west-1',
      groupId: 'sg-1',
      reopened: [
        {
          protocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' },
        },
      ],
      changes: 1,
      unverified: [],
    },
  ],
};

describe('confirmUndo', () => {
  it('shows what will be re-opened and goes on with --yes without asking', async () => {
    // Prepare
    const io = memoryIo();

    // Act
    const answer = await confirmUndo(io, PREVIEW, true);

    // Assess
    expect(answer).toBe(true);
    expect(io.stderrText()).toContain('RE-OPENS TO THE WORLD:\n    + tcp 22 from 0.0.0.0/0\n');
    expect(io.stderrText()).not.toContain('[y/N]');
  });

  it('refuses without a terminal and without --yes', async () => {
    // Act
    const act = confirmUndo(memoryIo(), PREVIEW, false);

    // Assess
    await expect(act).rejects.toThrow(CliError);
    await expect(confirmUndo(memoryIo(), PREVIEW, false)).rejects.toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
    });
  });

  it.each([
    ['y\n', true],
    ['yes\n', true],
    ['n\n', false],
    ['\n', false],
  ])('asks on a terminal and takes %j as %s', async (typed, expected) => {
    // Prepare
    const io = memoryIo({ tty: true, stdinText: typed });

    // Act
    const answer = await confirmUndo(io, PREVIEW, false);

    // Assess
    expect(answer).toBe(expected);
    expect(io.stderrText()).toContain('Undo the changes to 1 group(s)? [y/N] ');
  });
});
