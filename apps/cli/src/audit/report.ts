/** What an audit gathers, before any of it is printed. */
import type {
  AccountPolicy,
  Exposure,
  Mode,
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

/**
 * A group that is not exposed as far as could be seen, but references prefix lists on guarded
 * ports whose entries could not be read: its exposure is unknown, which is not clean.
 */
export interface UnknownGroup {
  readonly groupId: string;
  readonly groupName?: string;
  readonly vpcId?: string;
  readonly unresolvedPrefixLists: readonly string[];
}

/** One account and region: scanned (`ok`) or not (`failed`, with why). */
export interface RegionAudit {
  readonly region: string;
  readonly status: 'ok' | 'failed';
  readonly error?: ErrorSummary;
  readonly groupsScanned: number;
  readonly exposedGroups: readonly ExposedGroup[];
  /** Groups whose exposure is unknown (unreadable prefix lists); never in `exposedGroups`. */
  readonly unknownGroups: readonly UnknownGroup[];
  /**
   * Fixes of the last days that CloudTrail triggered, with how long each group was open (from the
   * ledger of the account-region; absent when it has none or it could not be read).
   */
  readonly recentFixes?: readonly RecentFixSummary[];
}

/** One fix from the ledger, with its exposure window. */
export interface RecentFixSummary {
  readonly groupId: string;
  readonly recordId: string;
  readonly time: string;
  readonly exposureSeconds: number;
}

/** Why the StackSet does not protect an account (no member stack, so no remediator). */
export interface Unprotected {
  readonly reason: 'management-account' | 'excluded';
  /** What it means and how to cover it, for people. */
  readonly message: string;
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
  /** Set when no member stack runs in the account: findings there are not fixed by a Lambda. */
  readonly unprotected?: Unprotected;
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
  /** Groups whose exposure is unknown (unreadable prefix lists). */
  readonly unknownGroups: number;
  /** Accounts the StackSet does not protect (the management account, excluded accounts). */
  readonly unprotectedAccounts: number;
}

/** The settings an audit ran with and where they came from. */
export interface AuditRunSettings {
  readonly defaultMode: Mode;
  readonly allowGroupExemptions: boolean;
  /** The deployed config read; `null` when none was found and built-in defaults applied. */
  readonly configFile: string | null;
  /** Flags that overrode the config. */
  readonly overrides: readonly string[];
}

/** The whole audit, grouped by account (sorted by id) and region (sorted by name). */
export interface AuditReport {
  readonly generatedAt: string;
  readonly ports: readonly number[];
  readonly strategy: RemediationStrategy;
  /** Present when the audit ran from the command line (the deployed config and the flags). */
  readonly settings?: AuditRunSettings;
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
    unknownGroups: regions.reduce((sum, region) => sum + region.unknownGroups.length, 0),
    unprotectedAccounts: accounts.filter((account) => account.unprotected !== undefined).length,
  };
}

/**
 * The exit code an audit earns: 2 with findings when `--fail-on-findings` asks for it (a group
 * whose exposure is unknown counts: unknown is not clean), else 1 when any account or
 * account-region could not be scanned, else 0.
 */
export function auditExitCode(summary: AuditSummary, failOnFindings: boolean): number {
  if (failOnFindings && (summary.exposedGroups > 0 || summary.unknownGroups > 0)) return 2;
  return summary.failedAccounts > 0 || summary.failedAccountRegions > 0 ? 1 : 0;
}
