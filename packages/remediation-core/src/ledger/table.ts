/**
 * The ledger table's layout: one definition for the member stack that creates it, the adapter
 * that reads and writes it, and the emulator estates, demo and benchmarks that create it in moto.
 */
export const LEDGER_TABLE = {
  /** Table name in every member account-region. */
  name: 'sg-guard-ledger',
  /** Partition key (string): `head` for group heads, the group id for its records. */
  partitionKey: 'pk',
  /** Sort key (string): the group id for a head, `record#<recordId>` for a record. */
  sortKey: 'sk',
  /** Epoch seconds after which DynamoDB may delete a closed record (heads never carry it). */
  ttlAttribute: 'expiresAt',
  /** Partition of the group heads (leases and pending entries). */
  headPartition: 'head',
  /** Partition of attempt counters (one item per retried request, kept a day). */
  attemptPartition: 'attempt',
  /** Prefix of a record's sort key. */
  recordPrefix: 'record#',
  /** How long a closed record is kept. */
  retentionDays: 400,
} as const;
