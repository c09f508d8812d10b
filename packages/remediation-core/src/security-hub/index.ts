/**
 * Security Hub findings: one ASFF finding per exposed group, built purely from the decision's
 * record; the adapter in `@sg-guard/aws` imports them.
 */
export * from './asff.js';
export * from './finding.js';
export * from './outcome.js';
export * from './partition.js';
export * from './reporter.js';
