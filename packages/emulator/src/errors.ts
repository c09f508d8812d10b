/** What went wrong while building or reading an emulated estate; callers branch on it. */
export type EstateErrorCode =
  /** The spec contradicts itself: duplicate names, an unknown OU, a mode given twice. */
  | 'invalid-spec'
  /** A shape name that the catalogue does not hold. */
  | 'unknown-shape'
  /** The emulator answered without a field it always sends (an id, an ARN). */
  | 'incomplete-response'
  /** A message on the inbox queue is not an SNS envelope. */
  | 'unexpected-message';

/**
 * Thrown by the estate builders (`createOrganizationEstate`, `openSsh`, the central inbox)
 * when their input or the emulator's answer is not what they can work with.
 */
export class EstateError extends Error {
  readonly code: EstateErrorCode;

  constructor(code: EstateErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EstateError';
    this.code = code;
  }
}

/** Returns `value`, or throws `incomplete-response` naming `what` when the emulator left it out. */
export function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) {
    throw new EstateError('incomplete-response', `the emulator returned no ${what}`);
  }
  return value;
}
