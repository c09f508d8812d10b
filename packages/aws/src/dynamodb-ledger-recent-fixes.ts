/**
 * The audit's read of the ledger: published fixes with their exposure windows.
 */
import { type AttributeValue, type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { PK, S } from './dynamodb-ledger-items.js';

/** A published fix with its exposure window (from the call that opened the group to the fix). */
export interface RecentFix {
  readonly groupId: string;
  readonly recordId: string;
  /** ISO 8601: when the entry was written. */
  readonly time: string;
  readonly exposureSeconds: number;
}

/**
 * Published fixes since `since` (epoch ms) that carry an exposure window, oldest first, from one
 * paginated Scan of the table reading only four attributes: for the audit, not the remediator.
 * SDK errors are thrown as they come (the ledger classifies them).
 */
export async function scanRecentFixes(
  dynamodb: DynamoDBClient,
  tableName: string,
  since: number,
): Promise<RecentFix[]> {
  const items: Record<string, AttributeValue>[] = [];
  const pages = paginateScan(
    { client: dynamodb },
    {
      TableName: tableName,
      FilterExpression:
        'attribute_exists(exposureSeconds) AND #status = :published AND createdAt >= :since',
      ProjectionExpression: '#pk, recordId, createdAt, exposureSeconds',
      ExpressionAttributeNames: { '#pk': PK, '#status': 'status' },
      ExpressionAttributeValues: {
        ':published': S('published'),
        ':since': S(new Date(since).toISOString()),
      },
    },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items
    .map((item) => ({
      groupId: item[PK]?.S ?? '',
      recordId: item.recordId?.S ?? '',
      time: item.createdAt?.S ?? '',
      exposureSeconds: Number(item.exposureSeconds?.N ?? 0),
    }))
    .sort((a, b) => a.time.localeCompare(b.time));
}
