/**
 * Entry point of `pnpm demo`: run the demo's program, set the exit code. The only place that
 * touches `process` for that.
 */
import { processIo } from '@sg-guard/cli';
import { runDemoCli } from './program.js';

// The SDK warns on every run that its releases after January 2027 will need Node 22; the demo
// runs on the CLI's Node 20 floor. This switch silences only that warning, as the CLI's entry
// does, before any SDK client is made.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await runDemoCli(process.argv.slice(2), processIo());
