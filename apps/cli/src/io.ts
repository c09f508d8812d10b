import { Readable } from 'node:stream';

/**
 * Where the CLI reads and writes. Commands never touch `process` directly, so tests run them
 * through `parseAsync` with captured streams and read the exit code afterwards.
 */

/** The part of a writable stream the CLI uses. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True on a terminal: progress lines and confirmation prompts need one. */
  readonly isTTY?: boolean;
}

/** The part of a readable stream the CLI uses (`undo --records -`, confirmation prompts). */
export type InputStream = NodeJS.ReadableStream & { readonly isTTY?: boolean };

/** Streams, exit code and signal hooks of one CLI run. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: InputStream;
  /** Set by the command that ran: 0 clean, 1 error, 2 findings (see `docs/cli.md`). */
  exitCode: number;
  /**
   * Runs `cleanup` on Ctrl-C or termination (the demo stops its emulator); returns a function
   * that removes the hook.
   */
  onInterrupt(cleanup: () => Promise<void>): () => void;
}

/** The real process: `process.stdout`, `process.stderr`, `process.stdin`, SIGINT/SIGTERM. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    exitCode: 0,
    onInterrupt(cleanup) {
      const handler = (signal: NodeJS.Signals) => {
        void cleanup().finally(() => {
          // 128 + signal number, as shells report it.
          process.exit(signal === 'SIGINT' ? 130 : 143);
        });
      };
      process.once('SIGINT', handler);
      process.once('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}

/** A {@link CliIo} that keeps what was written in memory. */
export interface MemoryIo extends CliIo {
  stdoutText(): string;
  stderrText(): string;
  /** Cleanups registered with `onInterrupt` and not yet removed. */
  readonly interruptHooks: ReadonlySet<() => Promise<void>>;
}

/**
 * In-memory streams, for tests and scripts that run commands in process: `stdin` holds
 * `stdinText` (empty by default); with `tty`, stdout, stderr and stdin claim to be a terminal.
 *
 * @example
 * const io = memoryIo();
 * const code = await runCli(['explain', '--from-file', 'groups.json', '--json'], io);
 * JSON.parse(io.stdoutText());
 */
export function memoryIo(
  options: { readonly stdinText?: string; readonly tty?: boolean } = {},
): MemoryIo {
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
