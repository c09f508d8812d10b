import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { assumeRoleCredentials } from '../../src/credentials.js';
import { AccessDeniedError } from '../../src/errors.js';

const sts = new STSClient({ region: 'eu-west-1' });
const stsMock = mockClient(sts);
const roleArn = 'arn:aws:iam::123456789012:role/sg-guard-org-reader';
const HOUR = 3_600_000;

function session(key: string, expiresAt: number) {
  return {
    Credentials: {
      AccessKeyId: key,
      SecretAccessKey: `secret-${key}`,
      SessionToken: `token-${key}`,
      Expiration: new Date(expiresAt),
    },
  };
}

beforeEach(() => {
  stsMock.reset();
});

describe('assumeRoleCredentials', () => {
  it('assumes the role with the remediator session name on first use only', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).resolves(session('A', HOUR));
    const provider = assumeRoleCredentials({ sts, roleArn, now: () => 0 });

    // Act
    const first = await provider();
    const second = await provider();

    // Assess
    expect(first).toEqual({
      accessKeyId: 'A',
      secretAccessKey: 'secret-A',
      sessionToken: 'token-A',
      expiration: new Date(HOUR),
    });
    expect(second).toBe(first);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: roleArn,
      RoleSessionName: 'sg-guard-remediator',
      DurationSeconds: 3600,
    });
  });

  it('keeps the credentials until five minutes before expiry, then assumes again', async () => {
    // Prepare
    let now = 0;
    stsMock
      .on(AssumeRoleCommand)
      .resolvesOnce(session('A', HOUR))
      .resolvesOnce(session('B', 2 * HOUR));
    const provider = assumeRoleCredentials({ sts, roleArn, now: () => now });
    await provider();

    // Act
    now = HOUR - 300_001;
    const stillA = await provider();
    now = HOUR - 300_000;
    const nowB = await provider();

    // Assess
    expect(stillA.accessKeyId).toBe('A');
    expect(nowB.accessKeyId).toBe('B');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('shares one AssumeRole between concurrent callers', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).resolves(session('A', HOUR));
    const provider = assumeRoleCredentials({ sts, roleArn, now: () => 0 });

    // Act
    const [a, b] = await Promise.all([provider(), provider()]);

    // Assess
    expect(a).toBe(b);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('does not cache a denied AssumeRole: the next call tries again', async () => {
    // Prepare
    stsMock
      .on(AssumeRoleCommand)
      .rejectsOnce(
        new STSServiceException({
          name: 'AccessDenied',
          message: 'not authorized to perform sts:AssumeRole',
          $fault: 'client',
          $metadata: {},
        }),
      )
      .resolvesOnce(session('A', HOUR));
    const provider = assumeRoleCredentials({ sts, roleArn, now: () => 0 });

    // Act
    const denied = provider();
    await expect(denied).rejects.toBeInstanceOf(AccessDeniedError);
    const retried = await provider();

    // Assess
    await expect(denied).rejects.toMatchObject({ action: 'sts:AssumeRole' });
    expect(retried.accessKeyId).toBe('A');
  });

  it('fails clearly when STS returns no credentials', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).resolves({});
    const provider = assumeRoleCredentials({ sts, roleArn });

    // Assess
    await expect(provider()).rejects.toThrow(/returned no credentials/);
  });
});
