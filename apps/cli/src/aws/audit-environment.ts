import { Ec2SecurityGroupGateway, loadReferencedPrefixLists, scanRegion } from '@sg-guard/aws';
import type { AccountPolicyReader } from '@sg-guard/remediation-core';
import type { AuditEnvironment } from '../audit/run.js';
import type { AccountSession, AwsSession } from './session.js';

/**
 * The audit's AWS side: enter accounts through the session, read modes with the given policy
 * reader, and inventory each region with one bulk scan (plus referenced prefix lists).
 */
export function awsAuditEnvironment(
  session: AwsSession,
  policies: AccountPolicyReader,
  ports: readonly number[],
): AuditEnvironment<AccountSession> {
  return {
    enter: (accountId) => session.account(accountId),
    enabledRegions: (account) => session.enabledRegions(account),
    policyFor: (accountId) => policies.policyFor(accountId),
    async scan(account, region) {
      const ec2 = session.ec2(account, region);
      const groups = await scanRegion(ec2);
      const prefixLists = await loadReferencedPrefixLists(
        new Ec2SecurityGroupGateway({ ec2 }),
        groups,
        ports,
      );
      return { groups, prefixLists };
    },
    async recentFixes(account, region, since) {
      try {
        return await session.ledgerTable(account, region).listRecentFixes(since);
      } catch (error) {
        // No ledger in this account-region (no member stack here): no windows to report.
        if ((error as { code?: string }).code === 'LEDGER_MISSING') return undefined;
        throw error;
      }
    },
  };
}
