/**
 * The CLI's way into AWS: the caller's credentials from the SDK's standard chain, a home region,
 * an optional endpoint (`--endpoint-url`; `AWS_ENDPOINT_URL` is read by the SDK itself), and one
 * assumed-role session per account that is not the caller's.
 */

import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  assumeAccountRole,
  type CallerIdentity,
  type ClientSettings,
  createDynamoDbClient,
  createEc2Client,
  createOrganizationsClient,
  createSnsClient,
  createStsClient,
  DefaultPolicyReader,
  DynamoDbLedger,
  Ec2SecurityGroupGateway,
  getCallerIdentity,
  listEnabledRegions,
  OrganizationsPolicyReader,
} from '@sg-guard/aws';
import {
  type AccountPolicyReader,
  DEFAULT_MODE,
  type Mode,
  type SecurityGroupGateway,
} from '@sg-guard/remediation-core';

/** How the CLI reaches AWS, from `--region`, `--endpoint-url` and `--role-name`. */
export interface AwsSessionOptions {
  /** Region for STS, Organizations and DescribeRegions; the SDK's own when absent. */
  readonly region?: string;
  readonly endpointUrl?: string;
  /** The caller's credentials; the SDK's standard chain when absent (the demo passes its own). */
  readonly credentials?: ClientSettings['credentials'];
  /** Role assumed in every account other than the caller's. */
  readonly roleName: string;
  /** Mode of accounts whose tags say nothing. @default 'enforce' */
  readonly defaultMode?: Mode;
  /** `false`: do not read Organizations tags; every account gets the default mode. @default true */
  readonly readOrgTags?: boolean;
}

/** One account as the CLI works in it. */
export interface AccountSession {
  readonly accountId: string;
  /** `undefined`: the caller's own credentials (the caller's account). */
  readonly credentials?: ClientSettings['credentials'];
}

const FALLBACK_REGION = 'us-east-1';

/**
 * Clients, credentials and gateways for one CLI run. Account sessions are created once per
 * account and shared by every region of it.
 */
export class AwsSession {
  private readonly options: AwsSessionOptions;
  private callerPromise: Promise<CallerIdentity> | undefined;
  private homeRegionPromise: Promise<string> | undefined;
  private readonly accounts = new Map<string, Promise<AccountSession>>();
  private policyReader: AccountPolicyReader | undefined;

  constructor(options: AwsSessionOptions) {
    this.options = options;
  }

  /** Client settings for a region, with the account's credentials and the endpoint override. */
  settings(region: string, account?: AccountSession): ClientSettings {
    const credentials = account?.credentials ?? this.options.credentials;
    return {
      region,
      ...(credentials ? { credentials } : {}),
      ...(this.options.endpointUrl ? { endpoint: this.options.endpointUrl } : {}),
    };
  }

  /** `--region`, else the SDK's configured region (env, profile), else us-east-1. */
  homeRegion(): Promise<string> {
    this.homeRegionPromise ??= (async () => {
      if (this.options.region) return this.options.region;
      try {
        return await createStsClient(
          this.options.credentials ? { credentials: this.options.credentials } : {},
        ).config.region();
      } catch {
        return FALLBACK_REGION;
      }
    })();
    return this.homeRegionPromise;
  }

  /** Who the caller is (cached). */
  caller(): Promise<CallerIdentity> {
    this.callerPromise ??= (async () =>
      getCallerIdentity(createStsClient(this.settings(await this.homeRegion()))))();
    return this.callerPromise;
  }

  /**
   * A session in the account: the caller's credentials for the caller's account, else the
   * assumed `--role-name` role. Fails once per account when the role cannot be assumed.
   */
  account(accountId: string): Promise<AccountSession> {
    let session = this.accounts.get(accountId);
    if (!session) {
      session = (async () => {
        const caller = await this.caller();
        if (caller.accountId === accountId) return { accountId };
        const sts = createStsClient(this.settings(await this.homeRegion()));
        const credentials = await assumeAccountRole(sts, {
          accountId,
          roleName: this.options.roleName,
          partition: caller.partition,
          sessionName: 'sg-guard-cli',
        });
        return { accountId, credentials };
      })();
      this.accounts.set(accountId, session);
    }
    return session;
  }

  /** An EC2 client in the account and region. */
  ec2(account: AccountSession, region: string): EC2Client {
    return createEc2Client(this.settings(region, account));
  }

  /** The same EC2 gateway the remediator Lambda uses, for one account and region. */
  gateway(account: AccountSession, region: string): SecurityGroupGateway {
    return new Ec2SecurityGroupGateway({ ec2: this.ec2(account, region) });
  }

  /** The account-region's ledger table (`sg-guard-ledger`), as the remediator writes it. */
  ledgerTable(account: AccountSession, region: string): DynamoDbLedger {
    return new DynamoDbLedger({ dynamodb: createDynamoDbClient(this.settings(region, account)) });
  }

  /** Regions enabled in the account (DescribeRegions from inside it). */
  async enabledRegions(account: AccountSession): Promise<string[]> {
    return listEnabledRegions(this.ec2(account, await this.homeRegion()));
  }

  /**
   * The same policy reader the Lambda uses, over the caller's Organizations access (the
   * management account or a delegated administrator); the default mode for every account when
   * organization tags are not to be read.
   */
  policies(): AccountPolicyReader {
    const defaultMode = this.options.defaultMode ?? DEFAULT_MODE;
    this.policyReader ??=
      this.options.readOrgTags === false
        ? new DefaultPolicyReader(defaultMode)
        : new OrganizationsPolicyReader({ organizations: this.organizations(), defaultMode });
    return this.policyReader;
  }

  /** Organizations with the caller's credentials. */
  organizations() {
    return createOrganizationsClient({
      ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      ...(this.options.endpointUrl ? { endpoint: this.options.endpointUrl } : {}),
    });
  }

  /** SNS in the region of a topic ARN (the central topic may live elsewhere). */
  sns(topicArn: string): ReturnType<typeof createSnsClient> {
    const region = topicArn.split(':')[3];
    return createSnsClient(this.settings(region || FALLBACK_REGION));
  }
}
