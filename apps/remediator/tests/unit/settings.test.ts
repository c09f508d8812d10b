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
      ledgerTable: 'sg-guard-ledger',
      securityHub: false,
    });
  });

  it('reads every setting, deduplicating and sorting ports', () => {
    // Act
    const settings = readSettings({
      ...base,
      SG_GUARD_PORTS: ' 3389, 22,3389 ',
      SG_GUARD_STRATEGY: 'revoke',
      SG_GUARD_DEFAULT_MODE: 'Notify',
      SG_GUARD_ALLOW_GROUP_EXEMPTIONS: 'TRUE',
      SG_GUARD_LEDGER_TABLE: 'sg-guard-ledger-test',
      SG_GUARD_MODE_BUCKET: 'sg-guard-modes-999988887777',
      SG_GUARD_MODE_BUCKET_REGION: 'us-east-1',
      SG_GUARD_SECURITY_HUB: 'true',
    });

    // Assess
    expect(settings).toMatchObject({
      ports: [22, 3389],
      strategy: 'revoke',
      defaultMode: 'notify',
      allowGroupExemptions: true,
      ledgerTable: 'sg-guard-ledger-test',
      modeMap: { bucket: 'sg-guard-modes-999988887777', region: 'us-east-1' },
      securityHub: true,
    });
  });

  it('treats a blank optional variable as unset', () => {
    // Act
    const settings = readSettings({
      ...base,
      SG_GUARD_PORTS: ' ',
      SG_GUARD_MODE_BUCKET: '',
    });

    // Assess
    expect(settings.ports).toEqual([22]);
    expect(settings.modeMap).toBeUndefined();
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
    ['SG_GUARD_LEDGER_TABLE', { SG_GUARD_LEDGER_TABLE: 'a b' }, /table name/],
    ['SG_GUARD_MODE_BUCKET', { SG_GUARD_MODE_BUCKET: 'Not_A_Bucket' }, /bucket/],
    [
      'SG_GUARD_MODE_BUCKET_REGION',
      { SG_GUARD_MODE_BUCKET: 'sg-guard-modes', SG_GUARD_MODE_BUCKET_REGION: 'nowhere' },
      /region/,
    ],
    ['SG_GUARD_SECURITY_HUB', { SG_GUARD_SECURITY_HUB: 'on' }, /true or false/],
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
