/**
 * Gathers an audit: every account-region scanned in bulk, every group assessed and planned by
 * the core. Nothing here prints; progress is reported through a callback.
 */
import { createLimiter } from '@sg-guard/aws';
import {
  type AccountPolicy,
  decide,
  type GroupSnapshot,
  type PrefixListEntries,
  type RemediationStrategy,
} from '@sg-guard/remediation-core';
import { type ErrorSummary, summarizeError } from '../handle-error.js';
import {
  type AccountAudit,
  type AuditReport,
  type ExposedGroup,
  type RecentFixSummary,
  type RegionAudit,
  summarize,
  type UnknownGroup,
  type Unprotected,
} from './report.js';

/** An account to audit; the name, when known, comes from ListAccounts. */
export interface AuditTarget {
  readonly accountId: string;
  readonly name?: string;
}

/** What one region holds: every group, and the prefix lists its guarded ports reference. */
export interface RegionInventory {
  readonly groups: readonly GroupSnapshot[];
  readonly prefixLists: PrefixListEntries;
}

/**
 * The AWS side of an audit, per account. `enter` runs once per account before anything else;
 * when it fails the account is reported as not entered and its regions are not scanned.
 */
export interface AuditEnvironment<S> {
  enter(accountId: string): Promise<S>;
  /** Regions to scan in the account when `--regions` was not given. */
  enabledRegions(session: S): Promise<readonly string[]>;
  policyFor(accountId: string): Promise<AccountPolicy>;
  scan(session: S, region: string): Promise<RegionInventory>;
  /**
   * Fixes since `since` (epoch ms) with their exposure windows, from the account-region's
   * ledger; `undefined` when it has no ledger. Optional: an audit without it reports none.
   */
  recentFixes?(session: S, region: string, since: number): Promise<RecentFixSummary[] | undefined>;
}

/** How far back the audit reads exposure windows of fixes. */
export const RECENT_FIXES_DAYS = 7;

/** The audit changes nothing, so it decides as notify mode does: the same plan, no change. */
const READ_ONLY_POLICY: AccountPolicy = {
  accountId: '000000000000',
  mode: 'notify',
  source: { kind: 'default' },
  warnings: [],
};

export interface AuditSettings {
  readonly ports: readonly number[];
  readonly strategy: RemediationStrategy;
  readonly allowGroupExemptions: boolean;
  /** Account-regions in flight at once (AssumeRole and DescribeRegions count as one each). */
  readonly concurrency: number;
  /** Explicit regions; every enabled region of each account when absent. */
  readonly regions?: readonly string[];
  readonly now: () => Date;
  /** Accounts without a member stack (the management account, excluded ones), and why. */
  readonly unprotected?: ReadonlyMap<string, Unprotected>;
}

/** Progress after each account-region (total grows as accounts reveal their regions). */
export interface AuditProgress {
  readonly done: number;
  readonly total: number;
  readonly exposedGroups: number;
  readonly failed: number;
}

/**
 * Assesses and plans each group of a region inventory: the exposed ones, and those whose
 * exposure is unknown because a prefix list on a guarded port could not be read.
 */
export function classifyGroups(
  inventory: RegionInventory,
  settings: Pick<AuditSettings, 'ports' | 'strategy' | 'allowGroupExemptions' | 'now'>,
): { exposed: ExposedGroup[]; unknown: UnknownGroup[] } {
  const now = settings.now();
  const unknown: UnknownGroup[] = [];
  const exposed = inventory.groups.flatMap((group): ExposedGroup[] => {
    // The one decision the remediator makes too (assessment, plan, exemption).
    const decision = decide({
      group,
      policy: READ_ONLY_POLICY,
      prefixLists: inventory.prefixLists,
      settings,
      now,
    });
    const { assessment } = decision;
    if (decision.kind === 'not-exposed') {
      if (assessment.unresolvedPrefixLists.length > 0) {
        unknown.push({
          groupId: group.groupId,
          ...(group.groupName ? { groupName: group.groupName } : {}),
          ...(group.vpcId ? { vpcId: group.vpcId } : {}),
          unresolvedPrefixLists: assessment.unresolvedPrefixLists,
        });
      }
      return [];
    }
    return [
      {
        groupId: group.groupId,
        ...(group.groupName ? { groupName: group.groupName } : {}),
        ...(group.vpcId ? { vpcId: group.vpcId } : {}),
        exposures: assessment.exposures,
        plan: decision.plan,
        ...(decision.exemption ? { exemption: decision.exemption } : {}),
        unresolvedPrefixLists: assessment.unresolvedPrefixLists,
      },
    ];
  });
  return { exposed, unknown };
}

/**
 * Audits the targets: enters each account (at most `concurrency` account-regions at once),
 * reads its mode, scans each region with one bulk inventory, and assesses every group. A
 * failure is recorded where it happened (account or account-region); the rest completes.
 */
export async function runAudit<S>(
  targets: readonly AuditTarget[],
  environment: AuditEnvironment<S>,
  settings: AuditSettings,
  onProgress: (progress: AuditProgress) => void = () => {},
): Promise<AuditReport> {
  const limit = createLimiter(settings.concurrency);
  const progress = { done: 0, total: 0, exposedGroups: 0, failed: 0 };
  const report = () => onProgress({ ...progress });
  const explicitRegions = settings.regions ? [...settings.regions].sort() : undefined;
  if (explicitRegions) progress.total = targets.length * explicitRegions.length;

  const auditAccount = async (target: AuditTarget): Promise<AccountAudit> => {
    // Through the limiter too: a thousand accounts must not ask Organizations all at once.
    const policy = limit(() => environment.policyFor(target.accountId)).then(
      (value) => ({ policy: value }),
      (error: unknown) => ({ policyError: summarizeError(error) }),
    );
    let session: S;
    let regions: readonly string[];
    try {
      session = await limit(() => environment.enter(target.accountId));
      regions =
        explicitRegions ?? [...(await limit(() => environment.enabledRegions(session)))].sort();
      if (!explicitRegions) progress.total += regions.length;
    } catch (error) {
      const summary = summarizeError(error);
      const failed = (explicitRegions ?? []).map((region) => failedRegion(region, summary));
      progress.done += failed.length;
      progress.failed += Math.max(failed.length, 1);
      report();
      return {
        ...identity(target, settings.unprotected),
        ...(await policy),
        error: summary,
        regions: failed,
      };
    }
    const audited = await Promise.all(
      regions.map((region) =>
        limit(async (): Promise<RegionAudit> => {
          const result = await auditRegion(environment, session, region, settings);
          progress.done += 1;
          progress.exposedGroups += result.exposedGroups.length;
          if (result.status === 'failed') progress.failed += 1;
          report();
          return result;
        }),
      ),
    );
    const known = await policy;
    const accountName = target.name ?? ('policy' in known ? known.policy.accountName : undefined);
    return {
      ...identity(
        { ...target, ...(accountName ? { name: accountName } : {}) },
        settings.unprotected,
      ),
      ...known,
      regions: audited,
    };
  };

  const accounts = await Promise.all(
    [...targets].sort((a, b) => a.accountId.localeCompare(b.accountId)).map(auditAccount),
  );
  return {
    generatedAt: settings.now().toISOString(),
    ports: settings.ports,
    strategy: settings.strategy,
    accounts,
    summary: summarize(accounts),
  };
}

async function auditRegion<S>(
  environment: AuditEnvironment<S>,
  session: S,
  region: string,
  settings: AuditSettings,
): Promise<RegionAudit> {
  try {
    const since = settings.now().getTime() - RECENT_FIXES_DAYS * 86_400_000;
    const [inventory, recentFixes] = await Promise.all([
      environment.scan(session, region),
      // Exposure windows are a bonus: an unreadable ledger never fails the region's audit.
      environment.recentFixes?.(session, region, since).catch(() => undefined),
    ]);
    const { exposed, unknown } = classifyGroups(inventory, settings);
    return {
      region,
      status: 'ok',
      groupsScanned: inventory.groups.length,
      exposedGroups: exposed,
      unknownGroups: unknown,
      ...(recentFixes ? { recentFixes } : {}),
    };
  } catch (error) {
    return failedRegion(region, summarizeError(error));
  }
}

function failedRegion(region: string, error: ErrorSummary): RegionAudit {
  return {
    region,
    status: 'failed',
    error,
    groupsScanned: 0,
    exposedGroups: [],
    unknownGroups: [],
  };
}

function identity(
  target: AuditTarget,
  unprotected?: ReadonlyMap<string, Unprotected>,
): Pick<AccountAudit, 'accountId' | 'accountName' | 'unprotected'> {
  const reason = unprotected?.get(target.accountId);
  return {
    accountId: target.accountId,
    ...(target.name ? { accountName: target.name } : {}),
    ...(reason ? { unprotected: reason } : {}),
  };
}
