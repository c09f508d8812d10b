import { MODE_MAP_KEY_PREFIX as ADAPTER_PREFIX } from '@sg-guard/aws';
import { describe, expect, it } from 'vitest';
import {
  MODE_MAP_KEY_PREFIX,
  MODE_PUBLISHER_ENV,
  modePublisherEnvironment,
} from '../../src/contract.js';
import { readSettings } from '../../src/settings.js';

describe('mode publisher contract', () => {
  it('maps a deployment to the environment readSettings reads back', () => {
    // Act
    const env = modePublisherEnvironment({
      modeBucket: 'sg-guard-modes-100000000000',
      modeBucketRegion: 'us-east-1',
      defaultMode: 'notify',
      orgMaxAttempts: 12,
    });

    // Assess
    expect(env).toEqual({
      SG_GUARD_MODE_BUCKET: 'sg-guard-modes-100000000000',
      SG_GUARD_MODE_BUCKET_REGION: 'us-east-1',
      SG_GUARD_DEFAULT_MODE: 'notify',
      SG_GUARD_ORG_MAX_ATTEMPTS: '12',
    });
    expect(readSettings({ ...env, AWS_REGION: 'us-east-1' })).toEqual({
      region: 'us-east-1',
      bucket: 'sg-guard-modes-100000000000',
      bucketRegion: 'us-east-1',
      defaultMode: 'notify',
      orgMaxAttempts: 12,
    });
  });

  it('leaves optional variables out when the deployment does not set them', () => {
    expect(
      Object.keys(modePublisherEnvironment({ modeBucket: 'b-b-b', defaultMode: 'enforce' })),
    ).toEqual([MODE_PUBLISHER_ENV.modeBucket, MODE_PUBLISHER_ENV.defaultMode]);
  });

  it('names the same key prefix as the adapters that read and write the map', () => {
    expect(MODE_MAP_KEY_PREFIX).toBe(ADAPTER_PREFIX);
  });
});
