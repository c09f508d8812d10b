/**
 * Credentials of a role assumed through STS, reused until shortly before they expire. The
 * remediator reads organization tags through a read-only role in the management account.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AwsAdapterError, callAws } from './errors.js';

/** Options of {@link assumeRoleCredentials}. */
export interface AssumeRoleCredentialsOptions {
  /** The client whose own credentials assume the role (the Lambda's execution role). */
  readonly sts: STSClient;
  readonly roleArn: string;
  /** Shows in the role account's CloudTrail as who read the tags. @default 'sg-guard-remediator' */
  readonly sessionName?: string;
  /**
   * Session length. Role chaining (a Lambda role assuming another role) caps it at one hour.
   * @default 3600
   */
  readonly durationSeconds?: number;
  /** Assume again this long before the credentials expire. @default 300_000 (5 minutes) */
  readonly refreshBeforeExpiryMs?: number;
  /** Clock in epoch milliseconds (tests inject one). @default Date.now */
  readonly now?: () => number;
}

/**
 * A lazy credential provider: the first call assumes the role, later calls reuse the
 * credentials until `refreshBeforeExpiryMs` before their expiry. Concurrent calls share one
 * AssumeRole; a failed AssumeRole is not cached (the next call tries again).
 *
 * @throws AccessDeniedError when the role may not be assumed (`sts:AssumeRole`).
 * @example
 * const credentials = assumeRoleCredentials({ sts: createStsClient(), roleArn });
 * const organizations = createOrganizationsClient({ credentials });
 */
export function assumeRoleCredentials(
  options: AssumeRoleCredentialsOptions,
): AwsCredentialIdentityProvider {
  const now = options.now ?? Date.now;
  const margin = options.refreshBeforeExpiryMs ?? 300_000;
  let cached: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;

  const fresh = (credentials: AwsCredentialIdentity | undefined) =>
    credentials !== undefined &&
    (credentials.expiration === undefined || credentials.expiration.getTime() - margin > now());

  return async () => {
    if (fresh(cached)) return cached as AwsCredentialIdentity;
    pending ??= assumeRole(options).then(
      (credentials) => {
        cached = credentials;
        pending = undefined;
        return credentials;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

async function assumeRole(options: AssumeRoleCredentialsOptions): Promise<AwsCredentialIdentity> {
  const response = await callAws('sts:AssumeRole', () =>
    options.sts.send(
      new AssumeRoleCommand({
        RoleArn: options.roleArn,
        RoleSessionName: options.sessionName ?? 'sg-guard-remediator',
        DurationSeconds: options.durationSeconds ?? 3600,
      }),
    ),
  );
  const credentials = response.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
    throw new AwsAdapterError('AWS_ERROR', `AssumeRole ${options.roleArn} returned no credentials`);
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
    ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
  };
}
