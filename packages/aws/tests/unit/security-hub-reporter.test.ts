import {
  BatchImportFindingsCommand,
  LimitExceededException,
  SecurityHubClient,
  SecurityHubServiceException,
} from '@aws-sdk/client-securityhub';
import type { RemediationRecord } from '@sg-guard/remediation-core';
import {
  buildSecurityHubFinding,
  type SecurityHubFinding,
} from '@sg-guard/remediation-core/security-hub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AccessDeniedError, SecurityHubRejectedError, ThrottledError } from '../../src/errors.js';
import { SecurityHubFindingsReporter } from '../../src/security-hub-reporter.js';

const securityHub = new SecurityHubClient({ region: 'eu-west-1', maxAttempts: 1 });
const securityHubMock = mockClient(securityHub);
const reporter = new SecurityHubFindingsReporter({ securityHub });

const record: RemediationRecord = {
  schemaVersion: 1,
  recordId: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  time: '2026-11-27T10:15:33.120Z',
  action: 'would-remediate',
  mode: 'notify',
  accountId: '111122223333',
  region: 'eu-west-1',
  groupId: 'sg-0123456789abcdef0',
  trigger: 'direct',
  strategy: 'narrow',
  appliedStrategy: 'narrow',
  exposures: [
    {
      rule: {
        ruleId: 'sgr-0aaaaaaaaaaaaaaa1',
        protocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        source: { kind: 'cidr', family: 'ipv4', cidr: '0.0.0.0/0' },
      },
      ports: [22],
      family: 'ipv4',
      reason: 'world-cidr',
    },
  ],
  revoked: [],
  authorized: [],
  dropped: [],
  policySource: { kind: 'default' },
  warnings: [],
};

/** `count` findings of distinct groups. */
function findings(count: number): SecurityHubFinding[] {
  return Array.from({ length: count }, (_, i) =>
    buildSecurityHubFinding({
      kind: 'decision',
      record: { ...record, groupId: `sg-${i.toString(16).padStart(17, '0')}` },
    }),
  );
}

function importedIds(): string[][] {
  return securityHubMock
    .commandCalls(BatchImportFindingsCommand)
    .map((call) => (call.args[0].input.Findings ?? []).map((f) => f.Id ?? ''));
}

beforeEach(() => {
  securityHubMock.reset();
});

describe('SecurityHubFindingsReporter', () => {
  it('imports the findings as the core built them', async () => {
    // Prepare
    securityHubMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    const [finding] = findings(1);

    // Act
    await reporter.report(findings(1));

    // Assess
    const calls = securityHubMock.commandCalls(BatchImportFindingsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ Findings: [finding] });
  });

  it('sends at most 100 findings per call, every finding exactly once', async () => {
    // Prepare
    securityHubMock.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
      FailedCount: 0,
      SuccessCount: input.Findings.length,
    }));
    const all = findings(250);

    // Act
    await reporter.report(all);

    // Assess
    const batches = importedIds();
    expect(batches.map((ids) => ids.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual(all.map((f) => f.Id));
  });

  it('starts a new call before a request would pass 6 MB', async () => {
    // Prepare: findings of about 200 KB each (ASFF allows 240 KB), so 100 would be 20 MB.
    securityHubMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    const big = findings(60).map((finding) => ({
      ...finding,
      ProductFields: Object.fromEntries(
        Array.from({ length: 50 }, (_, i) => [`sg-guard/Padding${i}`, 'x'.repeat(4000)]),
      ),
    }));

    // Act
    await reporter.report(big);

    // Assess
    const calls = securityHubMock.commandCalls(BatchImportFindingsCommand);
    const sizes = calls.map((call) => Buffer.byteLength(JSON.stringify(call.args[0].input)));
    expect(Math.max(...sizes)).toBeLessThan(6_000_000);
    expect(calls.flatMap((call) => call.args[0].input.Findings?.map((f) => f.Id))).toEqual(
      big.map((f) => f.Id),
    );
    expect(calls.length).toBeGreaterThan(1);
  });

  it('makes no call when there is nothing to report', async () => {
    // Act
    await reporter.report([]);

    // Assess
    expect(securityHubMock.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
  });

  it('names every refused finding and its reason, after sending the other batches', async () => {
    // Prepare
    const all = findings(101);
    securityHubMock
      .on(BatchImportFindingsCommand)
      .resolvesOnce({
        FailedCount: 1,
        SuccessCount: 99,
        FailedFindings: [
          { Id: all[7]?.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding is too large' },
        ],
      })
      .resolvesOnce({
        FailedCount: 1,
        SuccessCount: 0,
        FailedFindings: [
          {
            Id: all[100]?.Id,
            ErrorCode: 'InvalidAccess',
            ErrorMessage: 'Account is not subscribed to AWS Security Hub',
          },
        ],
      });

    // Act
    const report = reporter.report(all);

    // Assess
    const error = await report.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityHubRejectedError);
    expect(error).toMatchObject({
      code: 'SECURITY_HUB_REJECTED',
      imported: 99,
      rejected: [
        { id: all[7]?.Id, errorCode: 'InvalidInput', errorMessage: 'Finding is too large' },
        {
          id: all[100]?.Id,
          errorCode: 'InvalidAccess',
          errorMessage: 'Account is not subscribed to AWS Security Hub',
        },
      ],
    });
    expect((error as Error).message).toContain(
      `${all[7]?.Id} (InvalidInput: Finding is too large)`,
    );
    expect(importedIds()).toHaveLength(2);
  });

  it('still fails when Security Hub counts a refusal without listing it', async () => {
    // Prepare
    securityHubMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 2, SuccessCount: 0 });

    // Act
    const report = reporter.report(findings(2));

    // Assess
    await expect(report).rejects.toMatchObject({
      code: 'SECURITY_HUB_REJECTED',
      rejected: [{ id: 'unknown id' }, { id: 'unknown id' }],
    });
  });

  it('reports a denied import as AccessDeniedError naming securityhub:BatchImportFindings', async () => {
    // Prepare
    securityHubMock.on(BatchImportFindingsCommand).rejects(
      new SecurityHubServiceException({
        name: 'AccessDeniedException',
        message: 'User is not authorized to perform: securityhub:BatchImportFindings',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );

    // Act
    const error = await reporter.report(findings(1)).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({
      code: 'ACCESS_DENIED',
      action: 'securityhub:BatchImportFindings',
      awsCode: 'AccessDeniedException',
    });
  });

  it.each([
    [
      'ThrottlingException',
      new SecurityHubServiceException({
        name: 'ThrottlingException',
        message: 'Rate exceeded',
        $fault: 'client',
        $metadata: { httpStatusCode: 429 },
      }),
    ],
    [
      'LimitExceededException',
      new LimitExceededException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }),
    ],
  ])('reports %s as ThrottledError', async (awsCode, failure) => {
    // Prepare
    securityHubMock.on(BatchImportFindingsCommand).rejects(failure);

    // Act
    const error = await reporter.report(findings(1)).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({
      code: 'THROTTLED',
      action: 'securityhub:BatchImportFindings',
      awsCode,
    });
  });

  it('keeps any other AWS failure typed with its code, and stops at the first failed call', async () => {
    // Prepare
    securityHubMock.on(BatchImportFindingsCommand).rejects(
      new SecurityHubServiceException({
        name: 'InternalException',
        message: 'Internal server error',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      }),
    );

    // Act
    const error = await reporter.report(findings(150)).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ code: 'AWS_ERROR', awsCode: 'InternalException' });
    expect(importedIds()).toHaveLength(1);
  });
});
