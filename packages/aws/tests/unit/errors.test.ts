import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { isAccessDenied, isGroupNotFound } from '@sg-guard/remediation-core';
import { describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  AwsAdapterError,
  awsErrorCode,
  callAws,
  classifyAwsError,
  GroupNotFoundError,
  ThrottledError,
} from '../../src/errors.js';

function sdkError(name: string, message = `${name} happened`): EC2ServiceException {
  return new EC2ServiceException({ name, message, $fault: 'client', $metadata: {} });
}

describe('classifyAwsError', () => {
  it.each(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError'])(
    'turns %s into an AccessDeniedError naming the denied action',
    (code) => {
      // Act
      const error = classifyAwsError(sdkError(code), 'ec2:RevokeSecurityGroupIngress');

      // Assess
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect(error).toMatchObject({ code: 'ACCESS_DENIED', awsCode: code });
      expect((error as AccessDeniedError).action).toBe('ec2:RevokeSecurityGroupIngress');
      expect(error.message).toContain('ec2:RevokeSecurityGroupIngress');
    },
  );

  it.each([
    'RequestLimitExceeded',
    'ThrottlingException',
    'Throttling',
    'TooManyRequestsException',
  ])('turns %s into a ThrottledError', (code) => {
    // Act
    const error = classifyAwsError(sdkError(code), 'ec2:DescribeSecurityGroups');

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error.code).toBe('THROTTLED');
  });

  it('turns InvalidGroup.NotFound into a GroupNotFoundError naming the group', () => {
    // Act
    const error = classifyAwsError(sdkError('InvalidGroup.NotFound'), 'ec2:Revoke', 'sg-0abc');

    // Assess
    expect(error).toBeInstanceOf(GroupNotFoundError);
    expect(error.message).toContain('sg-0abc');
  });

  it('keeps any other error as AWS_ERROR with its code and the original as cause', () => {
    // Prepare
    const original = sdkError('InternalError');

    // Act
    const error = classifyAwsError(original, 'sns:Publish');

    // Assess
    expect(error).toMatchObject({ code: 'AWS_ERROR', awsCode: 'InternalError', cause: original });
    expect(error.message).toContain('sns:Publish');
  });

  it('reads the Code field of errors that carry one, and leaves plain errors without a code', () => {
    // Assess
    expect(awsErrorCode(Object.assign(new Error('x'), { Code: 'AccessDenied' }))).toBe(
      'AccessDenied',
    );
    expect(awsErrorCode(new Error('plain'))).toBeUndefined();
    expect(awsErrorCode('text')).toBeUndefined();
    expect(classifyAwsError(new Error('socket hang up'), 'ec2:X')).toMatchObject({
      code: 'AWS_ERROR',
      awsCode: undefined,
    });
  });

  it('returns adapter errors unchanged', () => {
    // Prepare
    const error = new AwsAdapterError('AMBIGUOUS_GROUP', 'two groups');

    // Assess
    expect(classifyAwsError(error, 'ec2:X')).toBe(error);
  });
});

describe('callAws', () => {
  it('rethrows the failure of the call classified', async () => {
    // Act
    const call = callAws('sts:AssumeRole', async () => {
      throw sdkError('AccessDenied');
    });

    // Assess
    await expect(call).rejects.toMatchObject({ code: 'ACCESS_DENIED', action: 'sts:AssumeRole' });
  });
});

describe('the shapes the core handles', () => {
  it('lets the use case recognise access denied and a missing group', () => {
    // Assess
    expect(isAccessDenied(new AccessDeniedError('ec2:RevokeSecurityGroupIngress', 'X', 'y'))).toBe(
      true,
    );
    expect(isGroupNotFound(new GroupNotFoundError('sg-1'))).toBe(true);
    expect(isAccessDenied(new ThrottledError('ec2:X', 'Throttling'))).toBe(false);
  });
});
