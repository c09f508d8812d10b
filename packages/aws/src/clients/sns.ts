import { SNSClient } from '@aws-sdk/client-sns';
import { type ClientSettings, clientConfig } from './settings.js';

/** An SNS client with standard retries. */
export const createSnsClient = (settings: ClientSettings = {}): SNSClient =>
  new SNSClient(clientConfig(settings));
