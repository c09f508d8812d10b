/**
 * The SDK client factories, one module per client so that a bundle imports (and a Lambda loads)
 * only the clients it builds: the remediator loads all but EC2's on first use.
 */
export { createDynamoDbClient } from './clients/dynamodb.js';
export { createEc2Client } from './clients/ec2.js';
export { createOrganizationsClient } from './clients/organizations.js';
export { createS3Client } from './clients/s3.js';
export { createSecurityHubClient } from './clients/security-hub.js';
export { type ClientSettings, clientConfig } from './clients/settings.js';
export { createSnsClient } from './clients/sns.js';
export { createStsClient } from './clients/sts.js';
