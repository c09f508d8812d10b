import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { LEDGER_TABLE } from '@sg-guard/remediation-core/ledger-table';
import type { EmulatorClientOptions } from './clients.js';
import { DEFAULT_REGION } from './clients.js';
import { EMULATOR_CREDENTIALS } from './credentials.js';

/** A DynamoDB client on the emulator, in one account (by credentials) and region. */
export const emulatorDynamoDb = (
  endpoint: string,
  options: EmulatorClientOptions = {},
): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: options.region ?? DEFAULT_REGION,
    credentials: options.credentials ?? EMULATOR_CREDENTIALS,
    maxAttempts: 1,
  });

/**
 * Creates the account-region's ledger table as the member stack does (same name, keys and TTL
 * attribute, from `LEDGER_TABLE`), on demand. Idempotent: an existing table is kept.
 *
 * @example
 * await createLedgerTable(moto.endpoint, { credentials, region: 'eu-west-1' });
 */
export async function createLedgerTable(
  endpoint: string,
  options: EmulatorClientOptions = {},
): Promise<string> {
  const dynamodb = emulatorDynamoDb(endpoint, options);
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: LEDGER_TABLE.name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: LEDGER_TABLE.partitionKey, AttributeType: 'S' },
          { AttributeName: LEDGER_TABLE.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: LEDGER_TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: LEDGER_TABLE.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    // Already there (another test of the same emulator state made it): the same table.
    if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
    dynamodb.destroy();
    return LEDGER_TABLE.name;
  }
  await dynamodb.send(
    new UpdateTimeToLiveCommand({
      TableName: LEDGER_TABLE.name,
      TimeToLiveSpecification: { AttributeName: LEDGER_TABLE.ttlAttribute, Enabled: true },
    }),
  );
  dynamodb.destroy();
  return LEDGER_TABLE.name;
}
