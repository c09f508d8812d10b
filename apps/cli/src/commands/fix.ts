import { SnsNoticePublisher } from '@sg-guard/aws';
import type { NoticePublisher } from '@sg-guard/remediation-core';
import { Command } from 'commander';
import { z } from 'zod';
import { auditWithAws } from '../audit/aws-audit.js';
import { formatAuditReport } from '../audit/format.js';
import { auditExitCode } from '../audit/report.js';
import { CliError } from '../errors.js';
import { applyPlans } from '../fix/apply.js';
import { confirm } from '../fix/confirm.js';
import { TableOrMemoryLedger } from '../fix/ledger.js';
import { AllPublishers, RecordsFilePublisher } from '../fix/publishers.js';
import { anyFixFailed, renderFixResults } from '../fix/render.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { progressLine } from '../progress.js';
import {
  action,
  addAwsOptions,
  addOptions,
  addPlanOptions,
  addScopeOptions,
  awsShape,
  configuredPlanShape,
  deployedAuditOptions,
  JSON_OPTION,
  type OptionTable,
  scopeShape,
  shapeOf,
  YES_OPTION,
} from './shared.js';

const APPLY_OPTIONS = {
  ...YES_OPTION,
  dryRun: {
    flags: '--dry-run',
    description: 'print the plans only; change nothing',
    schema: z.boolean().default(false),
  },
  records: {
    flags: '--records <file>',
    description:
      'append every remediation record to this JSON Lines file (default: ./sg-guard-records-<time>.jsonl)',
    schema: z.string().min(1).optional(),
  },
  topicArn: {
    flags: '--topic-arn <arn>',
    description: 'also publish each notice to this SNS topic (e.g. the central one)',
    schema: z
      .string()
      .regex(/^arn:[\w-]+:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, 'not an SNS topic ARN')
      .optional(),
  },
  ...JSON_OPTION,
} as const satisfies OptionTable;

const FixOptions = z.object({
  ...awsShape,
  ...configuredPlanShape,
  ...scopeShape,
  ...shapeOf(APPLY_OPTIONS),
});

const defaultRecordsFile = (now: Date) =>
  `sg-guard-records-${now.toISOString().replace(/[:.]/g, '-')}.jsonl`;

/** `sg-guard fix`: audit, then apply the plans through the remediator's use case. */
export function fixCommand(io: CliIo): Command {
  const command = new Command('fix')
    .summary('audit, then close every exposure (asks first)')
    .description(
      'Audits like `audit`, then runs every exposed group through the same use case and EC2 ' +
        'gateway as the remediator Lambda: account modes from organization tags (notify: record ' +
        'the plan, change nothing; off: skip), group exemptions when allowed, and the strategy. ' +
        'Every decision is written as a remediation record (JSON Lines) that `undo` reverses.',
    );
  addScopeOptions(command);
  addPlanOptions(command, true);
  addAwsOptions(command);
  return addOptions(command, APPLY_OPTIONS)
    .addHelpText(
      'after',
      `
Without --yes, fix asks on the terminal; with no terminal it refuses (exit 1).

The default mode, ports, strategy and allowGroupExemptions come from the deployed
sg-guard.config.json (--config <file>; default: the repository's root one), so fix does what
the Lambdas would (a notify rollout changes nothing); each flag given overrides its field.

Examples:
  sg-guard fix --org --regions eu-west-1 --dry-run
  sg-guard fix --accounts 111122223333 --default-mode enforce --yes --records fixes.jsonl

Exit codes:
  0  every exposed group was handled (or, with --dry-run, every account-region was scanned)
  1  an error, an account or account-region that could not be scanned, or a group that could
     not be fixed (failed: access denied, or error)`,
    )
    .action(
      action(io, async (raw: Record<string, unknown>) => {
        const options = parseOptions(FixOptions, raw);
        const { audit, settings } = deployedAuditOptions(options);
        const progress = progressLine(io.stderr, !options.json);
        const { report, session } = await auditWithAws(audit, (p) => progress.update(p)).finally(
          () => progress.done(),
        );
        const planned = report.summary.exposedGroups;
        if (!options.json) io.stdout.write(formatAuditReport(report, 'table'));
        if (options.dryRun || planned === 0) {
          if (options.json) {
            io.stdout.write(
              `${JSON.stringify({ dryRun: options.dryRun, audit: report, results: [] }, null, 2)}\n`,
            );
          }
          return auditExitCode(report.summary, false);
        }
        if (
          !options.yes &&
          !(await confirm(io, `\nApply the plans of ${planned} exposed group(s)?`))
        ) {
          throw new CliError('ABORTED', 'nothing changed: the plans were not confirmed');
        }

        const recordsFile = options.records ?? defaultRecordsFile(new Date());
        const publishers: NoticePublisher[] = [new RecordsFilePublisher(recordsFile)];
        if (options.topicArn) {
          publishers.push(
            new SnsNoticePublisher({
              sns: session.sns(options.topicArn),
              topicArn: options.topicArn,
            }),
          );
        }
        const caller = await session.caller();
        const ledgers = new Map<string, TableOrMemoryLedger>();
        const results = await applyPlans(
          report,
          {
            gateway: async (accountId, region) =>
              session.gateway(await session.account(accountId), region),
            ledger: async (accountId, region) => {
              const key = `${accountId}/${region}`;
              let ledger = ledgers.get(key);
              if (!ledger) {
                ledger = new TableOrMemoryLedger(
                  session.ledgerTable(await session.account(accountId), region),
                );
                ledgers.set(key, ledger);
              }
              return ledger;
            },
            policies: session.policies(),
            notices: new AllPublishers(publishers),
            actor: caller.arn,
          },
          {
            ports: settings.ports,
            strategy: settings.strategy,
            allowGroupExemptions: settings.allowGroupExemptions,
            concurrency: options.concurrency,
          },
        );
        if (options.json) {
          io.stdout.write(
            `${JSON.stringify({ dryRun: false, audit: report, recordsFile, results }, null, 2)}\n`,
          );
        } else {
          io.stdout.write(
            `\n${renderFixResults(results)}\nRecords: ${recordsFile} (reverse with: sg-guard undo --records ${recordsFile})\n`,
          );
        }
        return anyFixFailed(results) || auditExitCode(report.summary, false) !== 0 ? 1 : 0;
      }),
    );
}
