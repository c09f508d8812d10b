/** What an audit gathers, before any of it is printed. */
import type {
  AccountPolicy,
  Exposure,
  RemediationPlan,
  RemediationStrategy,
} from '@sg-guard/remediation-core';
import type { ErrorSummary } from '../handle-error.js';

/** One exposed group: what lets the internet in and the smallest change that closes it. */
export interface ExposedGroup {
  readonly groupId: string;
  readonly groupName?: string;
  readonly vpcId?: string;
  readonly exposures: readonly Exposure[];
  readonly plan: RemediationPlan;
  /** Set when the group's tags exempt it and `--allow-group-exemptions` was given. */
  readonly exemption?: { readonly reason: string; readonly until?: string };
  /** Prefix lists on guarded ports whose entries could not be read (counted as not world). */
  readonly unresolvedPrefixLists: readonly string[];
}

/** One account and region: scanned (`ok`) or not (`failed`, with why). */
export interface RegionAudit {
  readonly region: string;
  readonly status: 'ok' | 'failed';
  readonly error?: ErrorSummary;
  readonly groupsScanned: number;
  readonly exposedGroups: readonly ExposedGroup[];
}

/** One account: its mode from the organization's tags, and each region. */
export interface AccountAudit {
  readonly accountId: string;
  readonly accountName?: string;
  /** Absent when the organization's tags could not be read (`policyError`). */
  readonly policy?: AccountPolicy;
  readonly policyError?: ErrorSummary;
  /** Set when the account could not be entered (AssumeRole) or its regions not listed. */
  readonly error?: ErrorSummary;
  readonly regions: readonly RegionAudit[];
}

/** Counts over the whole audit. */
export interface AuditSummary {
  readonly accounts: number;
  /** Accounts that could not be entered (or whose regions could not be listed). */
  readonly failedAccounts: number;
  /** Account-regions attempted (scanned plus failed). */
  readonly accountRegions: number;
  readonly failedAccountRegions: number;
  readonly groupsScanned: number;
  readonly exposedGroups: number;
  readonly exposures: number;
}

/** The whole audit, grouped by account (sorted by id) and region (sorted by name). */
export interface AuditReport {
  readonly generatedAt: string;
  readonly ports: readonly number[];
  readonly strategy: RemediationStrategy;
  readonly accounts: readonly AccountAudit[];
  readonly summary: AuditSummary;
}

/** Counts of a report's accounts. */
export function summarize(accounts: readonly AccountAudit[]): AuditSummary {
  const regions = accounts.flatMap((account) => account.regions);
  const exposed = regions.flatMap((region) => region.exposedGroups);
  return {
    accounts: accounts.length,
    failedAccounts: accounts.filter((account) => account.error !== undefined).length,
    accountRegions: regions.length,
    failedAccountRegions: regions.filter((region) => region.status === 'failed').length,
    groupsScanned: regions.reduce((sum, region) => sum + region.groupsScanned, 0),
    exposedGroups: exposed.length,
    exposures: exposed.reduce((sum, group) => sum + group.exposures.length, 0),
  };
}

/**
 * The exit code an audit earns: 2 with findings when `--fail-on-findings` asks for it, else 1
 * when any account or account-region could not be scanned, else 0.
 */
export function auditExitCode(summary: AuditSummary, failOnFindings: boolean): number {
  if (failOnFindings && summary.exposedGroups > 0) return 2;
  return summary.failedAccounts > 0 || summary.failedAccountRegions > 0 ? 1 : 0;
}
