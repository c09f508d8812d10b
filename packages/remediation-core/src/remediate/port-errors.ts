/**
 * The failures of a port that the use case handles rather than throws. The core needs no import
 * of any adapter package: the adapters' errors `implements` these interfaces (in
 * `@sg-guard/aws`: `AccessDeniedError`, `GroupNotFoundError`, `LedgerConflictError`,
 * `ModeMapUnreadableError`), so the compiler checks the link, and the guards below read them.
 */

/** IAM, a permission boundary or an SCP refused a call; retrying does not help. */
export interface AccessDeniedFailure {
  readonly code: 'ACCESS_DENIED';
  /** The denied IAM action, e.g. `ec2:RevokeSecurityGroupIngress`. */
  readonly action: string;
  /** The AWS error code (`UnauthorizedOperation`, `AccessDenied`…), when known. */
  readonly awsCode?: string;
  readonly message: string;
}

/** The group disappeared between the event and the call. */
export interface GroupNotFoundFailure {
  readonly code: 'GROUP_NOT_FOUND';
  readonly message: string;
}

function hasCode(error: unknown, code: string): error is { code: string; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === code &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/**
 * Whether a port's error means access was denied (and names the action).
 *
 * @example
 * isAccessDenied(new AccessDeniedError('ec2:RevokeSecurityGroupIngress', 'UnauthorizedOperation', '…')) // → true
 */
export function isAccessDenied(error: unknown): error is AccessDeniedFailure {
  return (
    hasCode(error, 'ACCESS_DENIED') && typeof (error as { action?: unknown }).action === 'string'
  );
}

/** Whether a port's error means the group does not exist. */
export function isGroupNotFound(error: unknown): error is GroupNotFoundFailure {
  return hasCode(error, 'GROUP_NOT_FOUND');
}

/**
 * The ledger refused a write because another run moved the group's head first (its version is
 * not the one read). The run that lost re-reads and tries again.
 */
export interface LedgerConflictFailure {
  readonly code: 'LEDGER_CONFLICT';
  readonly groupId: string;
  readonly message: string;
}

/** Whether a ledger error means another run moved the group's head first. */
export function isLedgerConflict(error: unknown): error is LedgerConflictFailure {
  return hasCode(error, 'LEDGER_CONFLICT');
}

/**
 * The account's mode could not be read (the mode map is unreadable after the SDK's retries).
 * `@sg-guard/aws`'s `ModeMapUnreadableError` has this shape.
 */
export interface PolicyUnreadableFailure {
  readonly code: 'MODE_MAP_UNREADABLE';
  readonly message: string;
}

/** Whether a policy reader's error means the mode could not be read at all. */
export function isPolicyUnreadable(error: unknown): error is PolicyUnreadableFailure {
  return hasCode(error, 'MODE_MAP_UNREADABLE');
}
