/** An audit against real AWS (or the emulator): pick the accounts, then run the audit. */
import { listOrganizationAccounts } from '@sg-guard/aws';
import type { Mode, RemediationStrategy } from '@sg-guard/remediation-core';
import { awsAuditEnvironment } from '../aws/audit-environment.js';
import { AwsSession, type AwsSessionOptions } from '../aws/session.js';
import type { DeploymentScope } from '../config/deployed.js';
import { UsageError } from '../errors.js';
import type { AuditReport, AuditRunSettings, Unprotected } from './report.js';
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
  /** Accounts the StackSet does not deploy to (from the config and `--management-account`). */
  readonly scope?: DeploymentScope;
  /** Where the settings came from, recorded in the report. */
  readonly runSettings?: AuditRunSettings;
}

/**
 * Accounts without a member stack, and what to do about it: the management account (a
 * service-managed StackSet never deploys a stack instance to it, even inside a target OU) and
 * the config's `targets.excludedAccounts`.
 */
export function unprotectedAccounts(scope: DeploymentScope): Map<string, Unprotected> {
  const result = new Map<string, Unprotected>();
  for (const accountId of scope.excludedAccounts) {
    result.set(accountId, {
      reason: 'excluded',
      message:
        'not protected: excluded from the StackSet (targets.excludedAccounts), so no remediator ' +
        `runs here; fix it with \`sg-guard fix --accounts ${accountId}\``,
    });
  }
  if (scope.managementAccountId) {
    const id = scope.managementAccountId;
    result.set(id, {
      reason: 'management-account',
      message:
        'not protected: the management account never gets a StackSet stack instance, so no ' +
        `remediator runs here; keep workloads out of it, gate it with \`sg-guard audit --accounts ${id} ` +
        `--fail-on-findings\` and fix it with \`sg-guard fix --accounts ${id}\``,
    });
  }
  return result;
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
      ...(options.scope ? { unprotected: unprotectedAccounts(options.scope) } : {}),
      now: () => new Date(),
    },
    onProgress,
  );
  return {
    report: options.runSettings ? { ...report, settings: options.runSettings } : report,
    session,
  };
}
