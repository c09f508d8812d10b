/** An audit against real AWS (or the emulator): pick the accounts, then run the audit. */
import { listOrganizationAccounts } from '@sg-guard/aws';
import type { Mode, RemediationStrategy } from '@sg-guard/remediation-core';
import { awsAuditEnvironment } from '../aws/audit-environment.js';
import { AwsSession, type AwsSessionOptions } from '../aws/session.js';
import { UsageError } from '../errors.js';
import type { AuditReport } from './report.js';
import { type AuditProgress, type AuditTarget, runAudit } from './run.js';

/** Everything `audit` and `fix` need to know to scan. */
export interface AwsAuditOptions {
  readonly org: boolean;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  readonly concurrency: number;
  readonly ports: readonly number[];
  readonly strategy: RemediationStrategy;
  readonly allowGroupExemptions: boolean;
  readonly defaultMode: Mode;
  readonly orgTags: boolean;
  readonly roleName: string;
  readonly region?: string;
  readonly endpointUrl?: string;
  /** The caller's credentials; the SDK's standard chain when absent. */
  readonly credentials?: AwsSessionOptions['credentials'];
}

/**
 * The accounts to scan: every ACTIVE account of the organization (`--org`), the listed ones
 * (`--accounts`), or the caller's own.
 */
export async function auditTargets(
  session: AwsSession,
  options: Pick<AwsAuditOptions, 'org' | 'accounts'>,
): Promise<AuditTarget[]> {
  if (options.org && options.accounts) {
    throw new UsageError('--org and --accounts exclude each other; pick one');
  }
  if (options.org) {
    const accounts = await listOrganizationAccounts(session.organizations());
    return accounts
      .filter((account) => account.status === 'ACTIVE')
      .map((account) => ({
        accountId: account.accountId,
        ...(account.name ? { name: account.name } : {}),
      }));
  }
  if (options.accounts) return options.accounts.map((accountId) => ({ accountId }));
  return [{ accountId: (await session.caller()).accountId }];
}

/** Runs an audit with the caller's AWS credentials; returns the session for follow-up work. */
export async function auditWithAws(
  options: AwsAuditOptions,
  onProgress?: (progress: AuditProgress) => void,
): Promise<{ readonly report: AuditReport; readonly session: AwsSession }> {
  const session = new AwsSession({
    roleName: options.roleName,
    defaultMode: options.defaultMode,
    readOrgTags: options.orgTags,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const targets = await auditTargets(session, options);
  const report = await runAudit(
    targets,
    awsAuditEnvironment(session, session.policies(), options.ports),
    {
      ports: options.ports,
      strategy: options.strategy,
      allowGroupExemptions: options.allowGroupExemptions,
      concurrency: options.concurrency,
      ...(options.regions ? { regions: options.regions } : {}),
      now: () => new Date(),
    },
    onProgress,
  );
  return { report, session };
}
