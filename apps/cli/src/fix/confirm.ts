import { createInterface } from 'node:readline';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';

/**
 * Asks a yes/no question on the terminal (prompt on stderr, answer from stdin); only `y` or
 * `yes` is yes.
 *
 * @throws CliError `CONFIRMATION_REQUIRED` when stdin is not a terminal: a change to security
 *   groups is never applied because a pipe happened to be empty.
 */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  if (!io.stdin.isTTY) {
    throw new CliError(
      'CONFIRMATION_REQUIRED',
      'fix changes security groups and asks first, but stdin is not a terminal',
      {
        hint: 'Re-run with --yes to apply without asking, or with --dry-run to see the plans only.',
      },
    );
  }
  io.stderr.write(`${question} [y/N] `);
  const lines = createInterface({ input: io.stdin, terminal: false });
  try {
    for await (const line of lines) return /^\s*y(es)?\s*$/i.test(line);
    return false;
  } finally {
    lines.close();
  }
}
