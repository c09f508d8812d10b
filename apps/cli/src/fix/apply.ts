/**
 * Applies an audit's plans through the remediator's own use case, `remediateFinding`, with the
 * same EC2 gateway and policy reader the Lambda uses: modes, exemptions and strategy respected.
 */
import { randomUUID } from 'node:crypto';
import { createLimiter } from '@sg-guard/aws';
import {
  type AccountPolicyReader,
  type NoticePublisher,
  type RecordedRule,
  type RemediationLedger,
  type RemediationOutcomeKind,
  type RemediationSettings,
  remediateFinding,
  type SecurityGroupGateway,
} from '@sg-guard/remediation-core';
import type { AuditReport } from '../audit/report.js';
import { type ErrorSummary, summarizeError } from '../handle-error.js';
import type { LedgerKind, TableOrMemoryLedger } from './ledger.js';

/** What happened to one exposed group. `error`: the use case threw (nothing mailed). */
export interface FixResult {
  readonly accountId: string;
  readonly region: string;
  readonly groupId: string;
  readonly groupName?: string;
  readonly outcome: RemediationOutcomeKind | 'error';
  readonly recordId?: string;
  readonly revoked: readonly RecordedRule[];
  readonly authorized: readonly RecordedRule[];
  readonly missingPermission?: string;
  readonly error?: ErrorSummary;
  /** Where the ledger entry went: the account-region's table, or memory where it has none. */
  readonly ledger?: LedgerKind;
}

/** The AWS side of a fix: a gateway and a ledger per account-region, the policy reader. */
export interface FixEnvironment {
  gateway(accountId: string, region: string): Promise<SecurityGroupGateway>;
  /** The account-region's ledger (see {@link TableOrMemoryLedger}), one per account-region. */
  ledger(accountId: string, region: string): Promise<RemediationLedger & { kind?(): LedgerKind }>;
  readonly policies: AccountPolicyReader;
  readonly notices: NoticePublisher;
  /** Who runs the fix (caller ARN), recorded as the actor. */
  readonly actor?: string;
}

/**
 * Runs every exposed group of the report through `remediateFinding` (trigger `cli`), at most
 * `concurrency` at once, and collects what happened. The use case re-reads each group, so a
 * group fixed since the audit is `not-exposed` or `already-fixed`, never changed twice.
 */
export async function applyPlans(
  report: AuditReport,
  environment: FixEnvironment,
  settings: RemediationSettings & { readonly concurrency: number },
  now: () => Date = () => new Date(),
): Promise<FixResult[]> {
  const limit = createLimiter(settings.concurrency);
  const work = report.accounts.flatMap((account) =>
    account.regions.flatMap((region) =>
      region.exposedGroups.map((group) => ({ account, region, group })),
    ),
  );
  return Promise.all(
    work.map(({ account, region, group }) =>
      limit(async (): Promise<FixResult> => {
        const base = {
          accountId: account.accountId,
          region: region.region,
          groupId: group.groupId,
          ...(group.groupName ? { groupName: group.groupName } : {}),
        };
        let ledger: (RemediationLedger & { kind?(): LedgerKind }) | undefined;
        try {
          ledger = await environment.ledger(account.accountId, region.region);
          const outcome = await remediateFinding(
            {
              groupId: group.groupId,
              accountId: account.accountId,
              region: region.region,
              trigger: 'cli',
              eventTime: now().toISOString(),
              ...(environment.actor ? { actor: environment.actor } : {}),
            },
            {
              groups: await environment.gateway(account.accountId, region.region),
              policies: environment.policies,
              notices: environment.notices,
              ledger,
            },
            settings,
            { accountId: account.accountId, region: region.region, now, newRecordId: randomUUID },
          );
          const record = outcome.notice?.record;
          // Only these actions changed the group; other records list what would change.
          const changed = record?.action === 'remediated' || record?.action === 'failed';
          return {
            ...base,
            outcome: outcome.outcome,
            ...(record ? { recordId: record.recordId } : {}),
            revoked: changed ? record.revoked : [],
            authorized: changed ? record.authorized : [],
            ...(outcome.missingPermission ? { missingPermission: outcome.missingPermission } : {}),
            ...(ledger.kind ? { ledger: ledger.kind() } : {}),
          };
        } catch (error) {
          return {
            ...base,
            outcome: 'error',
            revoked: [],
            authorized: [],
            error: summarizeError(error),
          };
        }
      }),
    ),
  );
}
