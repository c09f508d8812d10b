import { SgGuardError } from '@sg-guard/remediation-core';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

/** What a failure looks like in `--json` output and in reports. */
export interface ErrorSummary {
  /** Stable code: a CLI, core or adapter code, or the AWS error code. */
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

/** The stable code and message of any thrown value. */
export function summarizeError(error: unknown): ErrorSummary {
  if (error instanceof CliError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
    };
  }
  if (error instanceof SgGuardError) return { code: error.code, message: error.message };
  if (error instanceof Error) {
    const withCode = error as Error & { code?: unknown; awsCode?: unknown };
    const code =
      typeof withCode.awsCode === 'string'
        ? withCode.awsCode
        : typeof withCode.code === 'string'
          ? withCode.code
          : error.name;
    return { code, message: error.message };
  }
  return { code: 'UNKNOWN', message: String(error) };
}

/**
 * The one place a command's failure becomes output and an exit code: a line on stderr (or, with
 * `--json`, `{ "error": … }` on stdout so scripts always get JSON), and exit code 1.
 */
export function handleError(error: unknown, io: CliIo, json = false): void {
  const summary = summarizeError(error);
  if (json) {
    io.stdout.write(`${JSON.stringify({ error: summary }, null, 2)}\n`);
  } else {
    io.stderr.write(`sg-guard: ${summary.message}\n`);
    if (summary.hint) io.stderr.write(`${summary.hint}\n`);
  }
  io.exitCode = 1;
}
