/** What went wrong with the emulator or an emulated estate; callers branch on it. */
export type EmulatorErrorCode =
  /** `moto_server` cannot be found or does not start. */
  'EMULATOR_UNAVAILABLE' | EstateErrorCode;

/** What went wrong while building or reading an emulated estate. */
export type EstateErrorCode =
  /** The spec contradicts itself: duplicate names, an unknown OU, a mode given twice. */
  | 'INVALID_SPEC'
  /** A shape name that the catalogue does not hold. */
  | 'UNKNOWN_SHAPE'
  /** The emulator answered without a field it always sends (an id, an ARN). */
  | 'INCOMPLETE_RESPONSE'
  /** A message on the inbox queue is not an SNS envelope. */
  | 'UNEXPECTED_MESSAGE';

/** Base of every error the emulator package throws. `code` is stable; `message` is for people. */
export class EmulatorError extends Error {
  readonly code: EmulatorErrorCode;

  constructor(code: EmulatorErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmulatorError';
    this.code = code;
  }
}

/**
 * Thrown by the estate builders (`createOrganizationEstate`, `openSsh`, the central inbox)
 * when their input or the emulator's answer is not what they can work with.
 */
export class EstateError extends EmulatorError {
  declare readonly code: EstateErrorCode;

  constructor(code: EstateErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'EstateError';
  }
}

/** Thrown when `moto_server` cannot be found or does not start; says how to install it. */
export class EmulatorUnavailableError extends EmulatorError {
  declare readonly code: 'EMULATOR_UNAVAILABLE';

  constructor(message: string, options?: ErrorOptions) {
    super('EMULATOR_UNAVAILABLE', message, options);
    this.name = 'EmulatorUnavailableError';
  }
}

/** Returns `value`, or throws `INCOMPLETE_RESPONSE` naming `what` when the emulator left it out. */
export function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) {
    throw new EstateError('INCOMPLETE_RESPONSE', `the emulator returned no ${what}`);
  }
  return value;
}
