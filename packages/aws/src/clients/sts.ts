import { STSClient } from '@aws-sdk/client-sts';
import { type ClientSettings, clientConfig } from './settings.js';

/** An STS client with standard retries. */
export const createStsClient = (settings: ClientSettings = {}): STSClient =>
  new STSClient(clientConfig(settings));
