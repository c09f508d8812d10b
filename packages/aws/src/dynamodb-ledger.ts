/**
 * The ledger over the account-region's DynamoDB table (`sg-guard-ledger`). One head item per
 * group (partition `head`) serializes runs with a version and a lease; one item per record
 * (partition = the group id) keeps the history that `undo` verifies against.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  paginateQuery,
  type QueryCommandInput,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type BeginRequest,
  type BeginResult,
  LEDGER_TABLE,
  type LedgerEntry,
  type LedgerHead,
  type RemediationLedger,
} from '@sg-guard/remediation-core';
import {
  entryOf,
  type HeadChange,
  headKey,
  headOf,
  headUpdateInput,
  N,
  PK,
  recordItem,
  S,
  SK,
  TTL,
} from './dynamodb-ledger-items.js';
import { type RecentFix, scanRecentFixes } from './dynamodb-ledger-recent-fixes.js';
import { classifyAwsError, hasAwsCode, LedgerConflictError, LedgerMissingError } from './errors.js';

export type { RecentFix } from './dynamodb-ledger-recent-fixes.js';

/** Options of {@link DynamoDbLedger}. */
export interface DynamoDbLedgerOptions {
  /** Built once per container (see `createDynamoDbClient`), in the ledger's account and region. */
  readonly dynamodb: DynamoDBClient;
  /** @default LEDGER_TABLE.name */
  readonly tableName?: string;
  /** Clock in epoch milliseconds, for the records' TTL. @default Date.now */
  readonly now?: () => number;
}

/**
 * {@link RemediationLedger} over DynamoDB. Every head change is one conditional write on the
 * head's `version`; closing and marking applied write the head and the record in one
 * transaction, so history and head never disagree.
 *
 * @example
 * const ledger = new DynamoDbLedger({ dynamodb: createDynamoDbClient({ region: 'eu-west-1' }) });
 * const begun = await ledger.begin({ entry, now, leaseExpiresAt, closedBefore });
 */
export class DynamoDbLedger implements RemediationLedger {
  private readonly dynamodb: DynamoDBClient;
  private readonly tableName: string;
  private readonly now: () => number;

  constructor(options: DynamoDbLedgerOptions) {
    this.dynamodb = options.dynamodb;
    this.tableName = options.tableName ?? LEDGER_TABLE.name;
    this.now = options.now ?? Date.now;
  }

  async begin(request: BeginRequest): Promise<BeginResult> {
    const { entry } = request;
    const condition =
      request.expectVersion !== undefined
        ? '#version = :expected AND #state = :idle'
        : 'attribute_not_exists(#pk) OR (#state = :idle AND (attribute_not_exists(#closed) OR #closed < :closedBefore))';
    const values: Record<string, AttributeValue> = {
      ':intent': S('intent'),
      ':idle': S('idle'),
      ':entry': S(JSON.stringify(entry)),
      ':lease': N(request.leaseExpiresAt),
      ':zero': N(0),
      ':one': N(1),
      ...(request.expectVersion !== undefined
        ? { ':expected': N(request.expectVersion) }
        : { ':closedBefore': N(request.closedBefore) }),
    };
    try {
      const response = await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: headKey(entry.groupId),
          UpdateExpression:
            'SET #state = :intent, #entry = :entry, #lease = :lease, #version = if_not_exists(#version, :zero) + :one',
          ConditionExpression: condition,
          ExpressionAttributeNames: {
            '#state': 'state',
            '#entry': 'entry',
            '#lease': 'leaseExpiresAt',
            '#version': 'version',
            ...(request.expectVersion === undefined
              ? { '#pk': PK, '#closed': 'lastClosedAt' }
              : {}),
          },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const old = response.Attributes ? headOf(entry.groupId, response.Attributes) : undefined;
      const previous =
        old?.lastRecordId !== undefined && old.lastClosedAt !== undefined
          ? { recordId: old.lastRecordId, closedAt: old.lastClosedAt }
          : undefined;
      return { kind: 'acquired', version: (old?.version ?? 0) + 1, ...(previous && { previous }) };
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        hasAwsCode(error, 'ConditionalCheckFailedException')
      ) {
        const old = (error as ConditionalCheckFailedException).Item;
        // Without the old item (a store that does not return it) the head is read instead.
        const head = old ? headOf(entry.groupId, old) : await this.readHead(entry.groupId);
        return {
          kind: 'conflict',
          head: head ?? { groupId: entry.groupId, state: 'idle', version: 0 },
        };
      }
      throw this.classify(error, 'dynamodb:UpdateItem', entry.groupId);
    }
  }

  async takeOver(head: LedgerHead, now: number, leaseExpiresAt: number): Promise<number> {
    return this.moveHead(head.groupId, head.version, {
      update: 'SET #lease = :lease, #version = #version + :one',
      // Unfinished and nobody's: an applied entry has no lease until a finisher takes it, and
      // then belongs to that finisher until its lease runs out (so it is mailed once).
      condition:
        '#version = :expected AND #state <> :idle AND (attribute_not_exists(#lease) OR #lease < :now)',
      names: { '#lease': 'leaseExpiresAt', '#state': 'state' },
      values: {
        ':lease': N(leaseExpiresAt),
        ':idle': S('idle'),
        ':now': N(now),
      },
    });
  }

  async interrupt(entry: LedgerEntry, version: number): Promise<number> {
    return this.moveHead(entry.groupId, version, {
      update: 'SET #entry = :entry, #lease = :zero, #version = #version + :one',
      condition: '#version = :expected',
      names: { '#entry': 'entry', '#lease': 'leaseExpiresAt' },
      values: { ':entry': S(JSON.stringify(entry)), ':zero': N(0) },
    });
  }

  async markApplied(entry: LedgerEntry, version: number): Promise<number> {
    await this.transact(entry.groupId, [
      this.headUpdate(entry.groupId, version, {
        update: 'SET #state = :applied, #entry = :entry, #version = #version + :one REMOVE #lease',
        names: { '#state': 'state', '#entry': 'entry', '#lease': 'leaseExpiresAt' },
        values: { ':applied': S('applied'), ':entry': S(JSON.stringify(entry)) },
      }),
      this.recordPut(entry),
    ]);
    return version + 1;
  }

  async close(entry: LedgerEntry, version: number, now: number): Promise<void> {
    await this.transact(entry.groupId, [
      this.headUpdate(entry.groupId, version, {
        // Only a close that changed something is what a later fix is a repeat of.
        update: `SET #state = :idle, #closed = :now, #version = #version + :one${entry.status === 'published' ? ', #last = :last' : ''} REMOVE #entry, #lease`,
        names: {
          '#state': 'state',
          '#closed': 'lastClosedAt',
          '#entry': 'entry',
          '#lease': 'leaseExpiresAt',
          ...(entry.status === 'published' ? { '#last': 'lastRecordId' } : {}),
        },
        values: {
          ':idle': S('idle'),
          ':now': N(now),
          ...(entry.status === 'published' ? { ':last': S(entry.recordId) } : {}),
        },
      }),
      this.recordPut(entry),
    ]);
  }

  async getEntry(groupId: string, recordId: string): Promise<LedgerEntry | undefined> {
    try {
      const response = await this.dynamodb.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [PK]: S(groupId), [SK]: S(`${LEDGER_TABLE.recordPrefix}${recordId}`) },
          ConsistentRead: true,
        }),
      );
      return response.Item ? entryOf(response.Item, `${groupId}/${recordId}`) : undefined;
    } catch (error) {
      throw this.classify(error, 'dynamodb:GetItem', groupId);
    }
  }

  async listEntries(groupId: string): Promise<LedgerEntry[]> {
    const items = await this.query('dynamodb:Query', {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': S(groupId), ':prefix': S(LEDGER_TABLE.recordPrefix) },
    });
    return items
      .map((item) => entryOf(item, `${groupId}/${item[SK]?.S ?? '?'}`))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async listUnfinished(): Promise<LedgerHead[]> {
    const items = await this.query('dynamodb:Query', {
      KeyConditionExpression: '#pk = :head',
      FilterExpression: '#state <> :idle',
      ExpressionAttributeNames: { '#pk': PK, '#state': 'state' },
      ExpressionAttributeValues: { ':head': S(LEDGER_TABLE.headPartition), ':idle': S('idle') },
    });
    return items.map((item) => headOf(item[SK]?.S ?? '', item));
  }

  async countAttempt(key: string, now: number): Promise<number> {
    try {
      const response = await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [PK]: S(LEDGER_TABLE.attemptPartition), [SK]: S(key) },
          UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL },
          ExpressionAttributeValues: { ':one': N(1), ':ttl': N(Math.floor(now / 1000) + 86_400) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(response.Attributes?.count?.N ?? 1);
    } catch (error) {
      throw this.classify(error, 'dynamodb:UpdateItem');
    }
  }

  /**
   * Published fixes since `since` (epoch ms) that carry an exposure window, from one paginated
   * Scan of the table reading only four attributes: for the audit, not for the remediator.
   */
  async listRecentFixes(since: number): Promise<RecentFix[]> {
    try {
      return await scanRecentFixes(this.dynamodb, this.tableName, since);
    } catch (error) {
      throw this.classify(error, 'dynamodb:Scan');
    }
  }

  async getHead(groupId: string): Promise<LedgerHead | undefined> {
    return this.readHead(groupId);
  }

  private async readHead(groupId: string): Promise<LedgerHead | undefined> {
    try {
      const response = await this.dynamodb.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: headKey(groupId),
          ConsistentRead: true,
        }),
      );
      return response.Item ? headOf(groupId, response.Item) : undefined;
    } catch (error) {
      throw this.classify(error, 'dynamodb:GetItem', groupId);
    }
  }

  private async query(
    action: string,
    input: Omit<QueryCommandInput, 'TableName'>,
  ): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    try {
      const pages = paginateQuery(
        { client: this.dynamodb },
        { ...input, TableName: this.tableName, ConsistentRead: true },
      );
      for await (const page of pages) items.push(...(page.Items ?? []));
    } catch (error) {
      throw this.classify(error, action);
    }
    return items;
  }

  private async moveHead(
    groupId: string,
    version: number,
    change: HeadChange & { readonly condition: string },
  ): Promise<number> {
    try {
      await this.dynamodb.send(
        new UpdateItemCommand(headUpdateInput(this.tableName, groupId, version, change)),
      );
      return version + 1;
    } catch (error) {
      if (hasAwsCode(error, 'ConditionalCheckFailedException')) {
        throw new LedgerConflictError(groupId, { cause: error });
      }
      throw this.classify(error, 'dynamodb:UpdateItem', groupId);
    }
  }

  private headUpdate(groupId: string, version: number, change: HeadChange): TransactWriteItem {
    return { Update: headUpdateInput(this.tableName, groupId, version, change) };
  }

  private recordPut(entry: LedgerEntry): TransactWriteItem {
    return { Put: { TableName: this.tableName, Item: recordItem(entry, this.now()) } };
  }

  private async transact(groupId: string, items: TransactWriteItem[]): Promise<void> {
    try {
      await this.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (error) {
      const reasons =
        error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) {
        throw new LedgerConflictError(groupId, { cause: error });
      }
      throw this.classify(error, 'dynamodb:TransactWriteItems', groupId);
    }
  }

  private classify(error: unknown, action: string, groupRef?: string) {
    if (hasAwsCode(error, 'ResourceNotFoundException')) {
      return new LedgerMissingError(this.tableName, { cause: error });
    }
    return classifyAwsError(error, action, groupRef);
  }
}
