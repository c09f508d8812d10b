/**
 * `@sg-guard/cli`: the `sg-guard` command line (explain, audit, fix, undo) as a library, so
 * tests, scripts and the demo app run commands and their building blocks in-process.
 */
export { type AwsAuditOptions, auditWithAws } from './audit/aws-audit.js';
export { formatAuditReport } from './audit/format.js';
export { type AuditReport, type AuditSummary, summarize } from './audit/report.js';
export { type AccountSession, AwsSession, type AwsSessionOptions } from './aws/session.js';
export { action } from './commands/shared.js';
export * from './errors.js';
export { type ErrorSummary, handleError, summarizeError } from './handle-error.js';
export * from './io.js';
export { parseOptions } from './options.js';
export { renderTable } from './output/table.js';
export { createProgram, type ProgramOptions, runCli, runProgram, withCliExits } from './program.js';
export { awsUndoDependencies } from './undo/aws.js';
export {
  renderPreview,
  renderUndoResults,
  type UndoPreview,
  type UndoResult,
  undoExitCode,
  undoRecords,
} from './undo/undo.js';
