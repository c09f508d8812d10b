/**
 * `@sg-guard/aws`: the AWS adapters, the only code that imports `@aws-sdk/*`.
 */
export * from './clients.js';
export * from './accounts.js';
