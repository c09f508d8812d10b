import { EC2Client } from '@aws-sdk/client-ec2';
import { type ClientSettings, clientConfig } from './settings.js';

/** An EC2 client with standard retries. */
export const createEc2Client = (settings: ClientSettings = {}): EC2Client =>
  new EC2Client(clientConfig(settings));
