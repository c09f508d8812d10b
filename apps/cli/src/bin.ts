/**
 * Entry point of `sg-guard` (and `pnpm sg-guard`): build the program, run it, set
 * the exit code. The only place that touches `process` for that.
 */
import { processIo } from './io.js';
import { runCli } from './program.js';

// The SDK warns on every run that its releases after January 2027 will need Node 22. The
// Lambdas run Node 24; the CLI still supports Node 20 (package.json engines), and that notice
// would land on stderr of every run and in every report piped from it. This switch silences
// only that warning (the SDK checks it before emitting); every other warning still shows.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `sg-guard audit | head` closes the pipe early; that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

process.exitCode = await runCli(process.argv.slice(2), processIo());
