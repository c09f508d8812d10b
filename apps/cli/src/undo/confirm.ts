import { CliError } from '../errors.js';
import { confirm } from '../fix/confirm.js';
import type { CliIo } from '../io.js';
import { renderPreview, type UndoPreview } from './undo.js';

/**
 * Shows, per group, what the undo will re-open to the world (on stderr), then asks unless `yes`.
 *
 * @throws CliError `CONFIRMATION_REQUIRED` without `yes` when stdin is not a terminal.
 */
export async function confirmUndo(io: CliIo, preview: UndoPreview, yes: boolean): Promise<boolean> {
  io.stderr.write(`\nThe undo will change these groups:\n${renderPreview(preview)}`);
  if (yes) return true;
  if (!io.stdin.isTTY) {
    throw new CliError(
      'CONFIRMATION_REQUIRED',
      'undo re-opens what sg-guard closed and asks first, but stdin is not a terminal',
      {
        hint: 'Re-run with --yes to apply without asking, or with --dry-run to see the steps only.',
      },
    );
  }
  const groups = preview.groups.length;
  return confirm(io, `Undo the changes to ${groups} group(s)?`);
}
