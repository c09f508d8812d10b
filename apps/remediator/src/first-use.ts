/**
 * What a remediation needs once its first describe is in flight, after the mode map
 * (`mode-map-use.ts`), and nothing before: the ledger and notice adapters with their SDK
 * clients, and Powertools. One module imported with `import()` from several places, so the
 * bundle has one deferred chunk for all of it instead of a chunk per import and per combination
 * of them (each file a cold start opens costs its own resolve, read and link). Security Hub
 * (opt-in) and STS (only without a function ARN) are modules of their own: most containers
 * never load them.
 */
export { Logger } from '@aws-lambda-powertools/logger';
export { Metrics } from '@aws-lambda-powertools/metrics';
export { createDynamoDbClient } from '@sg-guard/aws/clients/dynamodb';
export { createSnsClient } from '@sg-guard/aws/clients/sns';
export { DynamoDbLedger } from '@sg-guard/aws/dynamodb-ledger';
export { SnsNoticePublisher } from '@sg-guard/aws/sns-publisher';
