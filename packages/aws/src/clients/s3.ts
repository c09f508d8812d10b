import { S3Client } from '@aws-sdk/client-s3';
import { type ClientSettings, clientConfig } from './settings.js';

/**
 * An S3 client with standard retries (the mode map's). `forcePathStyle` addresses buckets as
 * `<endpoint>/<bucket>` (emulators); AWS itself needs nothing.
 */
export const createS3Client = (
  settings: ClientSettings & { readonly forcePathStyle?: boolean } = {},
): S3Client =>
  new S3Client({
    ...clientConfig(settings),
    ...(settings.forcePathStyle ? { forcePathStyle: true } : {}),
  });
