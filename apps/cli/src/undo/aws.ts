/**
 * Where undo reads ledgers and changes groups: each record's own account-region, entered through
 * the session as audit does. Shared by `sg-guard undo` and the demo's closing undo.
 */
import { createDynamoDbClient, DynamoDbLedger } from '@sg-guard/aws';
import type { RemediationLedger } from '@sg-guard/remediation-core';
import type { AwsSession } from '../aws/session.js';
import type { GatewayFor } from './undo.js';
import type { LedgerFor } from './verify.js';

/**
 * The gateways and ledgers {@link undoRecords} needs, one ledger client per account-region.
 *
 * @example
 * const { gatewayFor, ledgerFor } = awsUndoDependencies(new AwsSession({ roleName }));
 */
export function awsUndoDependencies(session: AwsSession): {
  readonly gatewayFor: GatewayFor;
  readonly ledgerFor: LedgerFor;
} {
  const ledgers = new Map<string, Promise<RemediationLedger>>();
  const ledgerFor = (accountId: string, region: string): Promise<RemediationLedger> => {
    const key = `${accountId}/${region}`;
    let ledger = ledgers.get(key);
    if (!ledger) {
      ledger = (async () => {
        const account = await session.account(accountId);
        return new DynamoDbLedger({
          dynamodb: createDynamoDbClient(session.settings(region, account)),
        });
      })();
      ledgers.set(key, ledger);
    }
    return ledger;
  };
  return {
    gatewayFor: async (accountId, region) =>
      session.gateway(await session.account(accountId), region),
    ledgerFor,
  };
}
