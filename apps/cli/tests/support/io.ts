import { Readable } from 'node:stream';
import type { CliIo } from '../../src/io.js';

/** A {@link CliIo} that keeps what was written, for assertions. */
export interface CapturedIo extends CliIo {
  stdoutText(): string;
  stderrText(): string;
  /** Cleanups registered with `onInterrupt` and not yet removed. */
  readonly interruptHooks: Set<() => Promise<void>>;
}

/**
 * In-memory streams. `stdin` holds `stdinText` (empty by default); `tty` makes stdout, stderr
 * and stdin claim to be a terminal.
 */
export function captureIo(
  options: { readonly stdinText?: string; readonly tty?: boolean } = {},
): CapturedIo {
  let out = '';
  let err = '';
  const stdin = Readable.from([options.stdinText ?? '']) as Readable & { isTTY?: boolean };
  if (options.tty) stdin.isTTY = true;
  const interruptHooks = new Set<() => Promise<void>>();
  return {
    stdout: {
      write: (chunk: string) => {
        out += chunk;
      },
      isTTY: options.tty ?? false,
    },
    stderr: {
      write: (chunk: string) => {
        err += chunk;
      },
      isTTY: options.tty ?? false,
    },
    stdin,
    exitCode: 0,
    onInterrupt(cleanup) {
      interruptHooks.add(cleanup);
      return () => interruptHooks.delete(cleanup);
    },
    interruptHooks,
    stdoutText: () => out,
    stderrText: () => err,
  };
}
