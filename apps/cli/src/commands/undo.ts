import { readFile } from 'node:fs/promises';
import { parseRecordLines } from '@sg-guard/remediation-core';
import { Command } from 'commander';
import { z } from 'zod';
import { AwsSession } from '../aws/session.js';
import { InputError } from '../errors.js';
import { readAll } from '../explain/read.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { renderUndoResults, undoRecords } from '../undo/undo.js';
import { action, addAwsOptions, awsShape } from './shared.js';

const UndoOptions = z.object({
  ...awsShape,
  records: z.string().min(1, 'name a JSON Lines file, or - for stdin'),
  dryRun: z.boolean().default(false),
  json: z.boolean().default(false),
});

/** `sg-guard undo --records <file|->`: reverse remediation records, newest first. */
export function undoCommand(io: CliIo): Command {
  const command = new Command('undo')
    .summary('reverse remediation records (newest first)')
    .description(
      'Reads remediation records (JSON Lines, as `fix --records` writes them or as the central ' +
        'topic delivers them) and reverses each, newest first: re-authorizes what it revoked, ' +
        'then revokes what it authorized. Each group is re-read first; what is already in place ' +
        "or already gone is skipped and reported. Works in the record's account (assuming " +
        "--role-name when it is not the caller's) and region.",
    )
    .requiredOption('--records <file>', 'the records file, or - for stdin');
  addAwsOptions(command);
  return command
    .option('--dry-run', 'show what would be done; change nothing')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 every record reversed (or nothing to do), 1 an error or a record that could not be reversed',
    )
    .action(
      action(io, async (raw: Record<string, unknown>) => {
        const options = parseOptions(UndoOptions, raw);
        const text = await readRecordsText(options.records, io);
        let records: ReturnType<typeof parseRecordLines>;
        try {
          records = parseRecordLines(text);
        } catch (error) {
          throw new InputError(options.records, (error as Error).message, { cause: error });
        }
        const session = new AwsSession({
          roleName: options.roleName,
          ...(options.region ? { region: options.region } : {}),
          ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
        });
        const results = await undoRecords(
          records,
          async (accountId, region) => session.gateway(await session.account(accountId), region),
          { dryRun: options.dryRun },
        );
        io.stdout.write(
          options.json
            ? `${JSON.stringify({ dryRun: options.dryRun, results }, null, 2)}\n`
            : renderUndoResults(results, options.dryRun),
        );
        return results.some((r) => r.status === 'failed') ? 1 : 0;
      }),
    );
}

async function readRecordsText(file: string, io: CliIo): Promise<string> {
  try {
    return file === '-' ? await readAll(io.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(file, `cannot read: ${(error as Error).message}`, { cause: error });
  }
}
