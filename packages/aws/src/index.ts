/**
 * `@sg-guard/aws`: the AWS adapters, the only code that imports `@aws-sdk/*`.
 */

export * from './accounts.js';
export * from './clients.js';
export * from './concurrency.js';
export * from './credentials.js';
export * from './dynamodb-ledger.js';
export * from './ec2-gateway.js';
export * from './errors.js';
export * from './inventory.js';
export * from './mode-map-entry.js';
export * from './mode-map-reader.js';
export * from './mode-map-writer.js';
export * from './org-policy.js';
export * from './organization-directory.js';
export * from './security-hub-reporter.js';
export * from './sns-publisher.js';
