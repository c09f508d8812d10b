import type {
  AccessDeniedFailure,
  GroupNotFoundFailure,
  LedgerConflictFailure,
  PolicyUnreadableFailure,
} from '@sg-guard/remediation-core';

/** Codes callers branch on. */
export type AwsAdapterErrorCode =
  /** IAM or an SCP refused the call; retrying does not help. */
  | 'ACCESS_DENIED'
  /** The security group does not exist (any more). */
  | 'GROUP_NOT_FOUND'
  /** A group name matched several groups, so the adapter cannot tell which one is meant. */
  | 'AMBIGUOUS_GROUP'
  /** AWS throttled the call and the SDK's retries ran out. */
  | 'THROTTLED'
  /** Another run moved a group's ledger head first (its version is not the one read). */
  | 'LEDGER_CONFLICT'
  /** The account-region has no ledger table (or it is not active). */
  | 'LEDGER_MISSING'
  /** A ledger item that is not a valid entry (hand-edited, or another schema). */
  | 'INVALID_LEDGER_ENTRY'
  /** The mode map's object could not be read (403, 5xx, throttled after the SDK's retries). */
  | 'MODE_MAP_UNREADABLE'
  /** A mode-map object that is not a valid entry (hand-edited, or another schema). */
  | 'INVALID_MODE_MAP_ENTRY'
  /** Security Hub answered BatchImportFindings but refused some findings (`FailedCount > 0`). */
  | 'SECURITY_HUB_REJECTED'
  /** Any other AWS failure (5xx after retries, validation, network). */
  | 'AWS_ERROR';

/**
 * Base of every error the adapters throw. `code` is stable; `awsCode` is the AWS error code
 * (`UnauthorizedOperation`, `RequestLimitExceeded`, …) when AWS sent one.
 *
 * @example
 * try { await gateway.revoke(id, ruleIds) } catch (e) { if (e instanceof AccessDeniedError) notify(e.action) }
 */
export class AwsAdapterError extends Error {
  readonly code: AwsAdapterErrorCode;
  readonly awsCode?: string;

  constructor(
    code: AwsAdapterErrorCode,
    message: string,
    awsCode?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AwsAdapterError';
    this.code = code;
    if (awsCode !== undefined) this.awsCode = awsCode;
  }
}

/**
 * The caller's credentials may not perform `action` (IAM policy, permission boundary or SCP).
 * Implements the core's `AccessDeniedFailure`, so the use case mails a failed notice.
 */
export class AccessDeniedError extends AwsAdapterError implements AccessDeniedFailure {
  override readonly code = 'ACCESS_DENIED' as const;
  /** The denied IAM action, e.g. `ec2:RevokeSecurityGroupIngress`. */
  readonly action: string;

  constructor(action: string, awsCode: string, detail: string, options?: ErrorOptions) {
    super('ACCESS_DENIED', `${action} was denied (${awsCode}): ${detail}`, awsCode, options);
    this.name = 'AccessDeniedError';
    this.action = action;
  }
}

/**
 * The security group named by `groupRef` does not exist in this account and region.
 * Implements the core's `GroupNotFoundFailure`.
 */
export class GroupNotFoundError extends AwsAdapterError implements GroupNotFoundFailure {
  override readonly code = 'GROUP_NOT_FOUND' as const;
  constructor(
    readonly groupRef: string,
    options?: ErrorOptions,
  ) {
    super(
      'GROUP_NOT_FOUND',
      `security group ${groupRef} does not exist`,
      'InvalidGroup.NotFound',
      options,
    );
    this.name = 'GroupNotFoundError';
  }
}

/** AWS kept throttling `action` after the SDK's retries; Lambda's own retry is the next step. */
export class ThrottledError extends AwsAdapterError {
  constructor(
    readonly action: string,
    awsCode: string,
    options?: ErrorOptions,
  ) {
    super('THROTTLED', `${action} was throttled (${awsCode}) after retries`, awsCode, options);
    this.name = 'ThrottledError';
  }
}

const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
]);

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);

/** The AWS error code of an SDK error (`name`, or `Code` on some protocols), if any. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { Code, name } = error as { Code?: unknown; name?: unknown };
  if (typeof Code === 'string' && Code) return Code;
  return typeof name === 'string' && name && name !== 'Error' ? name : undefined;
}

/** True when the SDK error carries one of `codes`. */
export function hasAwsCode(error: unknown, ...codes: readonly string[]): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && codes.includes(code);
}

/**
 * Turns an SDK error from `action` into the adapter's typed errors: access denied, throttled,
 * group not found, or a generic {@link AwsAdapterError} with the AWS code. The original error is
 * kept as `cause`.
 */
export function classifyAwsError(
  error: unknown,
  action: string,
  groupRef = 'named in the request',
): AwsAdapterError {
  if (error instanceof AwsAdapterError) return error;
  const code = awsErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const options = { cause: error };
  if (code === undefined) {
    return new AwsAdapterError('AWS_ERROR', `${action} failed: ${message}`, undefined, options);
  }
  if (ACCESS_DENIED_CODES.has(code)) return new AccessDeniedError(action, code, message, options);
  if (THROTTLING_CODES.has(code)) return new ThrottledError(action, code, options);
  if (code === 'InvalidGroup.NotFound') return new GroupNotFoundError(groupRef, options);
  return new AwsAdapterError('AWS_ERROR', `${action} failed (${code}): ${message}`, code, options);
}

/** Runs one SDK call and rethrows its failure classified by {@link classifyAwsError}. */
export async function callAws<T>(
  action: string,
  call: () => Promise<T>,
  groupRef?: string,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyAwsError(error, action, groupRef);
  }
}

/**
 * A ledger write lost the race for a group's head: another run changed it since it was read.
 * Implements the core's `LedgerConflictFailure`, so the use case re-reads and tries again.
 */
export class LedgerConflictError extends AwsAdapterError implements LedgerConflictFailure {
  override readonly code = 'LEDGER_CONFLICT' as const;

  constructor(
    readonly groupId: string,
    options?: ErrorOptions,
  ) {
    super(
      'LEDGER_CONFLICT',
      `the ledger head of ${groupId} was changed by another run`,
      'ConditionalCheckFailedException',
      options,
    );
    this.name = 'LedgerConflictError';
  }
}

/** The ledger table does not exist in this account-region (not deployed here, or deleted). */
export class LedgerMissingError extends AwsAdapterError {
  constructor(
    readonly tableName: string,
    options?: ErrorOptions,
  ) {
    super(
      'LEDGER_MISSING',
      `the ledger table ${tableName} does not exist in this account and region`,
      'ResourceNotFoundException',
      options,
    );
    this.name = 'LedgerMissingError';
  }
}

/** An item of the ledger table that is not a valid entry; names the item and what is wrong. */
export class InvalidLedgerEntryError extends AwsAdapterError {
  constructor(
    readonly item: string,
    readonly issues: readonly string[],
    options?: ErrorOptions,
  ) {
    super(
      'INVALID_LEDGER_ENTRY',
      `ledger item ${item} is not a valid entry: ${issues.join('; ')}`,
      undefined,
      options,
    );
    this.name = 'InvalidLedgerEntryError';
  }
}

/**
 * The account's mode-map object could not be read: S3 refused (403: no permission, or the object
 * is absent and the reader may not list its key), failed (5xx) or throttled after the SDK's
 * retries, or the network failed. Nothing may be changed on an unknown mode; `awsCode` is S3's.
 */
export class ModeMapUnreadableError extends AwsAdapterError implements PolicyUnreadableFailure {
  override readonly code = 'MODE_MAP_UNREADABLE' as const;

  constructor(
    readonly bucket: string,
    readonly key: string,
    detail: string,
    awsCode?: string,
    options?: ErrorOptions,
  ) {
    super(
      'MODE_MAP_UNREADABLE',
      `the mode map object s3://${bucket}/${key} could not be read${awsCode ? ` (${awsCode})` : ''}: ${detail}`,
      awsCode,
      options,
    );
    this.name = 'ModeMapUnreadableError';
  }
}

/** A mode-map object whose content is not a valid entry; names the key and what is wrong. */
export class InvalidModeMapEntryError extends AwsAdapterError {
  override readonly code = 'INVALID_MODE_MAP_ENTRY' as const;

  constructor(
    readonly key: string,
    readonly issues: readonly string[],
    options?: ErrorOptions,
  ) {
    super(
      'INVALID_MODE_MAP_ENTRY',
      `mode map object ${key} is not a valid entry: ${issues.join('; ')}`,
      undefined,
      options,
    );
    this.name = 'InvalidModeMapEntryError';
  }
}

/** One finding Security Hub refused, as BatchImportFindings reports it. */
export interface RejectedFinding {
  readonly id: string;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/**
 * Security Hub refused findings of a BatchImportFindings call (`FailedCount > 0`): names each
 * refused id with its reason (`InvalidInput`, `InvalidAccess` when Security Hub is not enabled,
 * …). The findings not listed were imported.
 */
export class SecurityHubRejectedError extends AwsAdapterError {
  override readonly code = 'SECURITY_HUB_REJECTED' as const;

  constructor(
    /** The refused findings (all of them; the message names the first few). */
    readonly rejected: readonly RejectedFinding[],
    /** Findings Security Hub imported in the same report. */
    readonly imported: number,
    options?: ErrorOptions,
  ) {
    const shown = rejected.slice(0, 5).map((f) => `${f.id} (${f.errorCode}: ${f.errorMessage})`);
    const more =
      rejected.length > shown.length ? `, and ${rejected.length - shown.length} more` : '';
    super(
      'SECURITY_HUB_REJECTED',
      `securityhub:BatchImportFindings refused ${rejected.length} finding(s): ${shown.join('; ')}${more}`,
      rejected[0]?.errorCode,
      options,
    );
    this.name = 'SecurityHubRejectedError';
  }
}
