/**
 * `@sg-guard/cli`: the `sg-guard` command line (explain, audit, fix, undo, demo) as a library,
 * so tests and scripts run commands in-process.
 */
export type { AuditReport } from './audit/report.js';
export * from './errors.js';
export * from './io.js';
export { createProgram, runCli } from './program.js';
