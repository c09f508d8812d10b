/** STS, for the account when the Lambda context has no function ARN (tests): one deferred chunk. */
export { getCallerIdentity } from '@sg-guard/aws/accounts';
export { createStsClient } from '@sg-guard/aws/clients/sts';
