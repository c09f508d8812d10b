/**
 * The IAM permissions docs/cli.md lists for each command, read from its "IAM permissions" table,
 * as the policies a security engineer would attach: one for the caller, one for the role the
 * CLI assumes in every other account.
 */
import { readFileSync } from 'node:fs';
import type { PolicyDocument } from './template.js';

/** A command's documented actions. */
export interface CommandPermissions {
  /** Needed by the credentials the CLI runs with (the management account's). */
  readonly caller: readonly string[];
  /** Needed in every account scanned: by the assumed role, and by the caller in its own. */
  readonly everyAccount: readonly string[];
}

const DOC = new URL('../../../docs/cli.md', import.meta.url);

/** The table rows of the "IAM permissions" section, by command. */
export function documentedPermissions(): Record<string, CommandPermissions> {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf('\n## IAM permissions\n');
  if (start < 0) throw new Error('docs/cli.md has no "## IAM permissions" section');
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  const rows: Record<string, CommandPermissions> = {};
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const command = /^`(\w+)`$/.exec(cells[1] ?? '')?.[1];
    if (!command || cells.length < 5) continue;
    const actions = (cell: string) =>
      [...cell.matchAll(/`([a-z0-9-]+:[A-Za-z*]+)`/g)].map((m) => m[1] as string);
    rows[command] = { caller: actions(cells[2] ?? ''), everyAccount: actions(cells[3] ?? '') };
  }
  return rows;
}

/** An identity policy granting `actions` on every resource. */
export const policyOf = (actions: readonly string[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: actions.length > 0 ? [{ Effect: 'Allow', Action: [...actions], Resource: '*' }] : [],
});
