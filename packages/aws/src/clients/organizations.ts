import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { type ClientSettings, clientConfig } from './settings.js';

/** An Organizations client with standard retries (Organizations is served from us-east-1). */
export const createOrganizationsClient = (settings: ClientSettings = {}): OrganizationsClient =>
  new OrganizationsClient(clientConfig({ region: 'us-east-1', ...settings }));
