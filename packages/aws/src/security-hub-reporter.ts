/** Imports sg-guard's findings into the account-region's own Security Hub. */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import {
  ASFF_LIMITS,
  type SecurityHubFinding,
  type SecurityHubReporter,
} from '@sg-guard/remediation-core/security-hub';
import {
  awsErrorCode,
  classifyAwsError,
  type RejectedFinding,
  SecurityHubRejectedError,
  ThrottledError,
} from './errors.js';

/** The IAM action of every call this adapter makes. */
export const BATCH_IMPORT_FINDINGS_ACTION = 'securityhub:BatchImportFindings';

// Homomorphic on arrays and tuples too: `readonly [A]` becomes `[A]`.
type Writable<T> = T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;

/**
 * The core's readonly finding as the SDK's `AwsSecurityFinding`. Only readonly-ness is dropped:
 * assigning the result to `AwsSecurityFinding` makes the compiler check that every field the
 * core writes has the type the SDK expects.
 */
function toSdkFinding(finding: SecurityHubFinding): AwsSecurityFinding {
  return finding as Writable<SecurityHubFinding>;
}

/**
 * Security Hub answers a burst past BatchImportFindings' rate with `LimitExceededException`
 * (HTTP 429), a name {@link classifyAwsError} does not know as throttling.
 */
function classify(error: unknown): Error {
  const code = awsErrorCode(error);
  const name = (error as { name?: unknown } | null)?.name;
  if (code === 'LimitExceededException' || name === 'LimitExceededException') {
    return new ThrottledError(BATCH_IMPORT_FINDINGS_ACTION, 'LimitExceededException', {
      cause: error,
    });
  }
  return classifyAwsError(error, BATCH_IMPORT_FINDINGS_ACTION);
}

/**
 * A request may carry at most 6 MB (and 100 findings); the margin leaves room for the request's
 * own JSON around the findings.
 */
const MAX_BATCH_BYTES = 5_500_000;

/** The findings in order, at most 100 and {@link MAX_BATCH_BYTES} of JSON per batch. */
function batches(findings: readonly SecurityHubFinding[]): SecurityHubFinding[][] {
  const result: SecurityHubFinding[][] = [];
  let current: SecurityHubFinding[] = [];
  let bytes = 0;
  for (const finding of findings) {
    const size = Buffer.byteLength(JSON.stringify(finding)) + 1;
    const full = current.length === ASFF_LIMITS.findingsPerImport || bytes + size > MAX_BATCH_BYTES;
    if (full && current.length > 0) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(finding);
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}

/** Options of {@link SecurityHubFindingsReporter}. */
export interface SecurityHubFindingsReporterOptions {
  /** A client in the function's own region: findings go to the account-region's own hub. */
  readonly securityHub: SecurityHubClient;
}

/**
 * {@link SecurityHubReporter} over BatchImportFindings, at most 100 findings (and under 6 MB)
 * per call.
 *
 * - An SDK failure (after the SDK's retries) is thrown at once, typed: access denied →
 *   `AccessDeniedError` with action `securityhub:BatchImportFindings`, throttling (including
 *   Security Hub's `LimitExceededException`) → `ThrottledError`, else `AwsAdapterError`.
 * - Findings Security Hub refuses (`FailedCount > 0`) do not stop the other batches; once all
 *   are sent, a `SecurityHubRejectedError` names every refused id with its reason.
 *
 * @example
 * const reporter = new SecurityHubFindingsReporter({ securityHub: createSecurityHubClient({ region }) });
 * await reporter.report([buildSecurityHubFinding({ kind: 'decision', record: notice.record })]);
 */
export class SecurityHubFindingsReporter implements SecurityHubReporter {
  constructor(private readonly options: SecurityHubFindingsReporterOptions) {}

  async report(findings: readonly SecurityHubFinding[]): Promise<void> {
    const rejected: RejectedFinding[] = [];
    let imported = 0;
    for (const batch of batches(findings)) {
      const response = await this.importBatch(batch);
      imported += response.SuccessCount ?? 0;
      const failedCount = response.FailedCount ?? 0;
      if (failedCount === 0) continue;
      const listed = (response.FailedFindings ?? []).map((failure) => ({
        id: failure.Id ?? 'unknown id',
        errorCode: failure.ErrorCode ?? 'Unknown',
        errorMessage: failure.ErrorMessage ?? 'no message',
      }));
      rejected.push(...listed);
      // A count without the list still names the failure, if not the ids.
      for (let i = listed.length; i < failedCount; i++) {
        rejected.push({ id: 'unknown id', errorCode: 'Unknown', errorMessage: 'not listed' });
      }
    }
    if (rejected.length > 0) throw new SecurityHubRejectedError(rejected, imported);
  }

  private async importBatch(batch: readonly SecurityHubFinding[]) {
    try {
      return await this.options.securityHub.send(
        new BatchImportFindingsCommand({ Findings: batch.map(toSdkFinding) }),
      );
    } catch (error) {
      throw classify(error);
    }
  }
}
