import { InvalidSettingsError } from '@sg-guard/remediation-core';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../src/settings.js';

const ENV = {
  AWS_REGION: 'us-east-1',
  SG_GUARD_MODE_BUCKET: 'sg-guard-modes-100000000000',
  SG_GUARD_DEFAULT_MODE: 'notify',
};

describe('readSettings', () => {
  it('reads the bucket and default mode, with the bucket in the function region and 10 attempts by default', () => {
    expect(readSettings(ENV)).toEqual({
      region: 'us-east-1',
      bucket: 'sg-guard-modes-100000000000',
      bucketRegion: 'us-east-1',
      defaultMode: 'notify',
      orgMaxAttempts: 10,
    });
  });

  it('takes the bucket region and the attempts when given', () => {
    const settings = readSettings({
      ...ENV,
      SG_GUARD_MODE_BUCKET_REGION: 'eu-west-1',
      SG_GUARD_ORG_MAX_ATTEMPTS: '15',
    });
    expect(settings).toMatchObject({ bucketRegion: 'eu-west-1', orgMaxAttempts: 15 });
  });

  it.each([
    ['SG_GUARD_MODE_BUCKET', undefined, 'SG_GUARD_MODE_BUCKET: is required but not set'],
    ['SG_GUARD_MODE_BUCKET', 'Bad_Bucket', 'SG_GUARD_MODE_BUCKET: expected an S3 bucket name'],
    ['SG_GUARD_DEFAULT_MODE', undefined, 'SG_GUARD_DEFAULT_MODE: is required but not set'],
    [
      'SG_GUARD_DEFAULT_MODE',
      'audit',
      'SG_GUARD_DEFAULT_MODE: expected one of enforce, notify, off',
    ],
    ['SG_GUARD_ORG_MAX_ATTEMPTS', '0', 'SG_GUARD_ORG_MAX_ATTEMPTS: at least 1'],
    ['SG_GUARD_MODE_BUCKET_REGION', 'Ireland', 'SG_GUARD_MODE_BUCKET_REGION: expected a region'],
  ])('refuses %s=%s, naming the variable', (name, value, message) => {
    const env = { ...ENV, [name]: value };
    expect(() => readSettings(env)).toThrow(InvalidSettingsError);
    expect(() => readSettings(env)).toThrow(message);
  });
});
