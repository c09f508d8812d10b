/**
 * `@sg-guard/emulator`: the local AWS emulator (moto_server) and the estates that tests, the
 * demo and the benchmarks build in it. Never shipped in the Lambda.
 */
export * from './credentials.js';
export * from './moto.js';
