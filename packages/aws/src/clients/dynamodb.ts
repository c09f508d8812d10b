import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ClientSettings, clientConfig } from './settings.js';

/** A DynamoDB client with standard retries (the ledger's). */
export const createDynamoDbClient = (settings: ClientSettings = {}): DynamoDBClient =>
  new DynamoDBClient(clientConfig(settings));
