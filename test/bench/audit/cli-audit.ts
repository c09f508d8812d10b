/**
 * `sg-guard audit` run in process through the CLI's own program (`runCli`), as a user would run
 * it with `--json --output`, with its report checked against the estate.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type AuditReport, type CliIo, runCli } from '@sg-guard/cli';
import { SCOPE_OPTIONS } from '../../../apps/cli/src/commands/shared.js';
import type { AuditEstate } from './estate.js';

/** The CLI's default `--concurrency`, from its own option table. */
export const DEFAULT_CONCURRENCY: number = SCOPE_OPTIONS.concurrency.schema.parse(
  SCOPE_OPTIONS.concurrency.default,
);

function quietIo(): CliIo & { readonly output: () => string } {
  let text = '';
  const stdout = { write: (chunk: string) => (text += chunk) };
  return {
    stdout,
    stderr: { write: () => true },
    stdin: new PassThrough(),
    exitCode: 0,
    onInterrupt: () => () => {},
    output: () => text,
  };
}

/**
 * Runs `sg-guard audit --json --output <file>` over the estate's accounts and regions, as the
 * management account (the emulator's default credentials), and returns its report.
 */
export async function runAudit(
  endpoint: string,
  estate: AuditEstate,
  concurrency: number | undefined,
  directory: string,
): Promise<AuditReport> {
  const output = join(directory, `audit-${concurrency ?? 'default'}.json`);
  const io = quietIo();
  const code = await runCli(
    [
      'audit',
      '--accounts',
      estate.accounts.map((account) => account.accountId).join(','),
      '--regions',
      estate.regions.join(','),
      '--region',
      'us-east-1',
      '--endpoint-url',
      endpoint,
      '--json',
      '--output',
      output,
      ...(concurrency === undefined ? [] : ['--concurrency', String(concurrency)]),
    ],
    io,
  );
  if (code !== 0) throw new Error(`sg-guard audit exited ${code}: ${io.output()}`);
  return JSON.parse(await readFile(output, 'utf8')) as AuditReport;
}

/** Checks that an audit saw the whole estate, so a fast but partial run cannot pass. */
export function checkReport(report: AuditReport, estate: AuditEstate): void {
  const { summary } = report;
  const accountRegions = estate.accounts.length * estate.regions.length;
  const problems = [
    summary.accountRegions !== accountRegions &&
      `${summary.accountRegions} account-regions, expected ${accountRegions}`,
    summary.failedAccountRegions + summary.failedAccounts > 0 && 'some scans failed',
    // Each region also holds its VPC's default group.
    summary.groupsScanned !== estate.groups + accountRegions &&
      `${summary.groupsScanned} groups, expected ${estate.groups + accountRegions}`,
    summary.exposedGroups !== estate.exposedGroups &&
      `${summary.exposedGroups} exposed groups, expected ${estate.exposedGroups}`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`the audit report is wrong: ${problems.join('; ')}`);
}
