/**
 * A snapshot serializer that replaces asset hashes (64 hex digits: S3 keys of bundled code,
 * template hashes, BucketDeployment keys) with a placeholder, so snapshots change when the
 * infrastructure changes, not when the remediator's code does.
 */
const HASH = /[0-9a-f]{64}/g;

export const assetHashSerializer = {
  test: (value: unknown): boolean => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value: string): string => JSON.stringify(value.replace(HASH, '[ASSET_HASH]')),
};
