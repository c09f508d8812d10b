import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { type ClientSettings, clientConfig } from './settings.js';

/** A Security Hub client with standard retries, in the region whose hub receives the findings. */
export const createSecurityHubClient = (settings: ClientSettings = {}): SecurityHubClient =>
  new SecurityHubClient(clientConfig(settings));
