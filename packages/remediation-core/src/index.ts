/**
 * `@sg-guard/remediation-core`: the pure heart of sg-guard. No AWS SDK at run time, no
 * `process.env`; every setting is passed in.
 *
 * @example
 * import { assessGroup, planRemediation } from '@sg-guard/remediation-core';
 * const assessment = assessGroup(securityGroupFromDescribeSecurityGroups);
 * if (assessment.verdict === 'EXPOSED') console.log(planRemediation(assessment));
 */
export * from './cidr/cidr.js';
export * from './errors.js';
export * from './events/identifiers.js';
export * from './events/parse.js';
export * from './exposure/assess.js';
export * from './ledger/entry-schema.js';
export * from './ledger/in-memory.js';
export * from './ledger/ledger.js';
export * from './ledger/table.js';
export * from './model.js';
export * from './notice/notice.js';
export * from './plan/plan.js';
export * from './policy/exemption.js';
export * from './policy/mode.js';
export * from './ports.js';
export * from './record/record.js';
export * from './remediate.js';
export * from './rules/format.js';
export * from './rules/normalize.js';
export * from './rules/permission.js';
export * from './security-hub/index.js';
export * from './text/sanitize.js';
