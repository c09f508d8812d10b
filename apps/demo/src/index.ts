/**
 * `@sg-guard/demo`: sg-guard's whole loop against a local AWS emulator, as a library so tests run
 * it in process.
 */
export { createDemoProgram, runDemoCli } from './program.js';
export { type DemoSummary, jsonReporter, textReporter } from './report.js';
export {
  type DemoInvocation,
  type DemoMail,
  type DemoReporter,
  type DemoRunOptions,
  type DemoUndo,
  defaultDemoRecordsFile,
  runDemo,
} from './run.js';
