/**
 * `@sg-guard/emulator`: the local AWS emulator (moto_server) and the estates that tests, the
 * demo and the benchmarks build in it. Never shipped in the Lambda.
 *
 * @example
 * const moto = await startMoto();
 * const org = await createOrganizationEstate(moto.endpoint, { accounts: [{ name: 'prod' }] });
 * const credentials = await memberCredentials(moto.endpoint, org.accounts.prod.accountId);
 * const opened = await openSsh(emulatorEc2(moto.endpoint, { credentials }), 'tcp-22-world-v4');
 */
export * from './clients.js';
export * from './credentials.js';
export * from './errors.js';
export * from './estate.js';
export * from './groups.js';
export * from './inbox.js';
export * from './ledger.js';
export * from './moto.js';
export * from './rule-format.js';
export * from './sample-estate.js';
export * from './shapes.js';
