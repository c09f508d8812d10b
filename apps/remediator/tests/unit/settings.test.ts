import { InvalidSettingsError } from '@sg-guard/remediation-core';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../src/settings.js';

const TOPIC = 'arn:aws:sns:eu-central-1:999988887777:sg-guard-findings';
const base = { AWS_REGION: 'eu-west-1', SG_GUARD_TOPIC_ARN: TOPIC };

function errorOf(env: Record<string, string | undefined>): InvalidSettingsError {
  try {
    readSettings(env);
  } catch (error) {
    if (error instanceof InvalidSettingsError) return error;
    throw error;
  }
  throw new Error('readSettings accepted the environment');
}

describe('readSettings', () => {
  it('applies the documented defaults and reads the topic region from its ARN', () => {
    // Act
    const settings = readSettings(base);

    // Assess
    expect(settings).toEqual({
      region: 'eu-west-1',
      topicArn: TOPIC,
      topicRegion: 'eu-central-1',
      ports: [22],
      strategy: 'narrow',
      defaultMode: 'enforce',
      allowGroupExemptions: false,
    });
  });

  it('reads every setting, deduplicating and sorting ports', () => {
    // Act
    const settings = readSettings({
      ...base,
      SG_GUARD_PORTS: ' 3389, 22,3389 ',
      SG_GUARD_STRATEGY: 'revoke',
      SG_GUARD_DEFAULT_MODE: 'Notify',
      SG_GUARD_ORG_READER_ROLE_ARN: 'arn:aws:iam::123456789012:role/sg-guard-org-reader',
      SG_GUARD_ALLOW_GROUP_EXEMPTIONS: 'TRUE',
    });

    // Assess
    expect(settings).toMatchObject({
      ports: [22, 3389],
      strategy: 'revoke',
      defaultMode: 'notify',
      orgReaderRoleArn: 'arn:aws:iam::123456789012:role/sg-guard-org-reader',
      allowGroupExemptions: true,
    });
  });

  it('treats a blank optional variable as unset', () => {
    // Act
    const settings = readSettings({
      ...base,
      SG_GUARD_PORTS: ' ',
      SG_GUARD_ORG_READER_ROLE_ARN: '',
    });

    // Assess
    expect(settings.ports).toEqual([22]);
    expect(settings.orgReaderRoleArn).toBeUndefined();
  });

  it.each([
    ['SG_GUARD_TOPIC_ARN', { SG_GUARD_TOPIC_ARN: undefined }, /required/],
    ['SG_GUARD_TOPIC_ARN', { SG_GUARD_TOPIC_ARN: 'sg-guard-findings' }, /SNS topic ARN/],
    ['SG_GUARD_TOPIC_ARN', { SG_GUARD_TOPIC_ARN: 'arn:aws:sqs:eu-west-1:999988887777:q' }, /SNS/],
    ['AWS_REGION', { AWS_REGION: undefined }, /required/],
    ['AWS_REGION', { AWS_REGION: 'Ireland' }, /region/],
    ['SG_GUARD_PORTS', { SG_GUARD_PORTS: '22,ssh' }, /whole number/],
    ['SG_GUARD_PORTS', { SG_GUARD_PORTS: '0' }, /1-65535/],
    ['SG_GUARD_PORTS', { SG_GUARD_PORTS: '65536' }, /1-65535/],
    ['SG_GUARD_PORTS', { SG_GUARD_PORTS: '22,' }, /whole number/],
    ['SG_GUARD_STRATEGY', { SG_GUARD_STRATEGY: 'delete' }, /narrow or revoke/],
    ['SG_GUARD_DEFAULT_MODE', { SG_GUARD_DEFAULT_MODE: 'audit' }, /enforce, notify, off/],
    ['SG_GUARD_ORG_READER_ROLE_ARN', { SG_GUARD_ORG_READER_ROLE_ARN: 'OrgReader' }, /role ARN/],
    [
      'SG_GUARD_ALLOW_GROUP_EXEMPTIONS',
      { SG_GUARD_ALLOW_GROUP_EXEMPTIONS: 'yes' },
      /true or false/,
    ],
  ])('names %s when its value is bad (%o)', (name, override, why) => {
    // Act
    const error = errorOf({ ...base, ...override });

    // Assess
    expect(error.setting).toBe(name);
    expect(error.message.startsWith(`${name}: `)).toBe(true);
    expect(error.message).toMatch(why);
  });
});
