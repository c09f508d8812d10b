import { readFile } from 'node:fs/promises';
import {
  parseRecordLines,
  type RemediationLedger,
  type RemediationRecord,
  SECURITY_GROUP_ID_PATTERN,
} from '@sg-guard/remediation-core';
import { Command } from 'commander';
import { z } from 'zod';
import { AwsSession } from '../aws/session.js';
import { InputError, UsageError } from '../errors.js';
import { readAll } from '../explain/read.js';
import type { CliIo } from '../io.js';
import { accountIdOption, parseOptions } from '../options.js';
import { awsUndoDependencies } from '../undo/aws.js';
import { confirmUndo } from '../undo/confirm.js';
import { recordFromLedger } from '../undo/from-ledger.js';
import { renderUndoResults, terminalSafe, undoExitCode, undoRecords } from '../undo/undo.js';
import {
  action,
  addAwsOptions,
  addOptions,
  awsShape,
  JSON_OPTION,
  type OptionTable,
  shapeOf,
  YES_OPTION,
} from './shared.js';

const SOURCE_OPTIONS = {
  records: {
    flags: '--records <file>',
    description: 'the records file, or - for stdin',
    schema: z.string().min(1, 'name a JSON Lines file, or - for stdin').optional(),
  },
  fromLedger: {
    flags: '--from-ledger',
    description: 'undo a record read from the ledger (with --group, --account, --region)',
    schema: z.boolean().default(false),
  },
  group: {
    flags: '--group <id>',
    description: 'with --from-ledger: the security group',
    schema: z.string().regex(SECURITY_GROUP_ID_PATTERN, 'not a security group id').optional(),
  },
  record: {
    flags: '--record <id>',
    description: 'with --from-ledger: this record (default: the newest published)',
    schema: z
      .string()
      .regex(/^\S{1,200}$/, 'not a record id')
      .optional(),
  },
  account: {
    flags: '--account <id>',
    description: "with --from-ledger: the ledger's account",
    schema: accountIdOption.optional(),
  },
} as const satisfies OptionTable;

const APPLY_OPTIONS = {
  ...YES_OPTION,
  force: {
    flags: '--force',
    description: 'act on records the ledger does not confirm (printed loudly)',
    schema: z.boolean().default(false),
  },
  dryRun: {
    flags: '--dry-run',
    description: 'show what would be done; change nothing',
    schema: z.boolean().default(false),
  },
  ...JSON_OPTION,
} as const satisfies OptionTable;

const UndoOptions = z
  .object({
    ...awsShape,
    ...shapeOf(SOURCE_OPTIONS),
    ...shapeOf(APPLY_OPTIONS),
  })
  .superRefine((options, context) => {
    const issue = (message: string) => context.addIssue({ code: 'custom', message });
    if (options.fromLedger) {
      if (options.records !== undefined) issue('--records and --from-ledger exclude each other');
      for (const [name, value] of [
        ['--group', options.group],
        ['--account', options.account],
        ['--region', options.region],
      ] as const) {
        if (value === undefined) issue(`--from-ledger needs ${name}`);
      }
    } else {
      if (options.records === undefined) issue('name --records <file|-> or --from-ledger');
      if (options.group !== undefined || options.record !== undefined) {
        issue('--group and --record go with --from-ledger');
      }
    }
  });

/** `sg-guard undo`: reverse remediation records the ledger confirms, newest first. */
export function undoCommand(io: CliIo): Command {
  const command = new Command('undo')
    .summary('reverse remediation records the ledger confirms (newest first)')
    .description(
      'Reads remediation records (JSON Lines, as `fix --records` writes them or as the central ' +
        'topic delivers them), or one record straight from the ledger (--from-ledger), and ' +
        'reverses each, newest first: re-authorizes what it revoked, then revokes what sg-guard ' +
        'authorized (only rules it created). Each record is first checked against the ledger ' +
        'entry in its own account-region (the sg-guard-ledger table) and refused unless it ' +
        'matches; --force acts anyway and says so. What each group will re-open to the world is ' +
        "shown and confirmed before anything changes. Works in the record's account (assuming " +
        "--role-name when it is not the caller's) and region.",
    );
  addOptions(command, SOURCE_OPTIONS);
  addAwsOptions(command);
  return addOptions(command, APPLY_OPTIONS)
    .addHelpText(
      'after',
      '\nExit codes: 0 every record reversed (or nothing to do), 1 an error, or a record refused, not confirmed or not reversed',
    )
    .action(
      action(io, async (raw: Record<string, unknown>) => {
        const options = parseOptions(UndoOptions, raw);
        const session = new AwsSession({
          roleName: options.roleName,
          ...(options.region ? { region: options.region } : {}),
          ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
        });
        const { gatewayFor, ledgerFor } = awsUndoDependencies(session);
        const records = options.fromLedger
          ? [await ledgerRecord(options, ledgerFor)]
          : await fileRecords(options.records ?? '-', io);
        const results = await undoRecords(
          records,
          {
            gatewayFor,
            ledgerFor,
            confirm: (preview) => confirmUndo(io, preview, options.yes),
          },
          { dryRun: options.dryRun, force: options.force },
        );
        const forced = results.filter(
          (r) => r.verification?.status === 'unverified' && r.verification.forced,
        );
        for (const r of forced) {
          if (r.verification?.status !== 'unverified') continue;
          io.stderr.write(
            terminalSafe(
              `sg-guard: WARNING: --force: record ${r.recordId} (${r.groupId}) NOT VERIFIED: ${r.verification.reason}\n`,
            ),
          );
        }
        io.stdout.write(
          options.json
            ? `${JSON.stringify({ dryRun: options.dryRun, force: options.force, results }, null, 2)}\n`
            : renderUndoResults(results, options.dryRun),
        );
        return undoExitCode(results);
      }),
    );
}

async function ledgerRecord(
  options: z.output<typeof UndoOptions>,
  ledgerFor: (accountId: string, region: string) => Promise<RemediationLedger>,
): Promise<RemediationRecord> {
  const { group, account, region } = options;
  if (group === undefined || account === undefined || region === undefined) {
    throw new UsageError('--from-ledger needs --group, --account and --region');
  }
  const where = { groupId: group, accountId: account, region };
  return recordFromLedger(await ledgerFor(account, region), where, options.record);
}

async function fileRecords(file: string, io: CliIo): Promise<RemediationRecord[]> {
  let text: string;
  try {
    text = file === '-' ? await readAll(io.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(file, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseRecordLines(text);
  } catch (error) {
    throw new InputError(file, (error as Error).message, { cause: error });
  }
}
