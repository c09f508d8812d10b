import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  type Tag,
  TagResourceCommand,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import {
  type EmulatorClientOptions,
  type EmulatorCredentials,
  emulatorOrganizations,
  emulatorSts,
} from './clients.js';
import { EMULATOR_CREDENTIALS, MANAGEMENT_ACCOUNT_ID } from './credentials.js';
import { EstateError, required } from './errors.js';

/** The organization tag key that sets an account's mode (`enforce` | `notify` | `off`). */
export const MODE_TAG = 'sg-guard:mode';

/** The role every account created through Organizations trusts its management account with. */
export const MEMBER_ROLE_NAME = 'OrganizationAccountAccessRole';

/** Tags of an organization resource. `mode` is shorthand for the `sg-guard:mode` tag. */
export interface TaggedSpec {
  /** Any string, so tests can also tag a value sg-guard does not understand. */
  readonly mode?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** An OU to create. Parents must be declared before their children. */
export interface OrganizationalUnitSpec extends TaggedSpec {
  readonly name: string;
  /** Name of the parent OU; the root when absent. */
  readonly parent?: string;
}

/** A member account to create. */
export interface MemberAccountSpec extends TaggedSpec {
  /** Unique within the spec; also the account's Organizations name. */
  readonly name: string;
  /** @default `<name>@example.com` */
  readonly email?: string;
  /** Name of the OU to move the account into; it stays under the root when absent. */
  readonly ou?: string;
}

/** The shape of an organization: root tags, OUs and member accounts. */
export interface OrganizationSpec {
  readonly root?: TaggedSpec;
  readonly organizationalUnits?: readonly OrganizationalUnitSpec[];
  readonly accounts: readonly MemberAccountSpec[];
}

/** A member account as created. */
export interface MemberAccount {
  readonly name: string;
  readonly accountId: string;
  readonly email: string;
  /** The OU (or the root) the account sits in. */
  readonly parentId: string;
}

/** Names of the accounts of a spec, as a type. */
export type AccountNameOf<S extends OrganizationSpec> = S['accounts'][number]['name'];

/** Names of the OUs of a spec, as a type. */
export type OuNameOf<S extends OrganizationSpec> =
  S['organizationalUnits'] extends readonly (infer U extends OrganizationalUnitSpec)[]
    ? U['name']
    : never;

/** What {@link createOrganizationEstate} built, with every id keyed by its name in the spec. */
export interface OrganizationEstate<A extends string = string, O extends string = string> {
  readonly endpoint: string;
  readonly organizationId: string;
  readonly rootId: string;
  readonly managementAccountId: string;
  readonly organizationalUnits: Readonly<Record<O, string>>;
  readonly accounts: Readonly<Record<A, MemberAccount>>;
}

/**
 * Creates an organization in the emulator: the management account (moto's default account),
 * the OUs and member accounts of `spec`, and their `sg-guard:mode` tags (on the root, OUs and
 * accounts). The emulator must hold no organization yet (reset it first).
 *
 * @example
 * const org = await createOrganizationEstate(moto.endpoint, {
 *   organizationalUnits: [{ name: 'Sandbox', mode: 'notify' }],
 *   accounts: [{ name: 'prod' }, { name: 'lab', ou: 'Sandbox' }, { name: 'legacy', mode: 'off' }],
 * });
 * org.accounts.lab.accountId; // inherits notify from Sandbox
 */
export async function createOrganizationEstate<const S extends OrganizationSpec>(
  endpoint: string,
  spec: S,
): Promise<OrganizationEstate<AccountNameOf<S>, OuNameOf<S>>> {
  validateSpec(spec);
  const organizations = emulatorOrganizations(endpoint);
  const created = await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const organization = required(created.Organization, 'organization');
  const roots = await organizations.send(new ListRootsCommand({}));
  const rootId = required(roots.Roots?.[0]?.Id, 'root id');
  const rootTags = tagsOf(spec.root ?? {});
  if (rootTags.length > 0) {
    await organizations.send(new TagResourceCommand({ ResourceId: rootId, Tags: rootTags }));
  }

  const ouIds = new Map<string, string>();
  for (const ou of spec.organizationalUnits ?? []) {
    const parentId =
      ou.parent === undefined ? rootId : required(ouIds.get(ou.parent), `id of OU ${ou.parent}`);
    const tags = tagsOf(ou);
    const response = await organizations.send(
      new CreateOrganizationalUnitCommand({
        ParentId: parentId,
        Name: ou.name,
        ...(tags.length > 0 ? { Tags: tags } : {}),
      }),
    );
    ouIds.set(ou.name, required(response.OrganizationalUnit?.Id, `id of OU ${ou.name}`));
  }

  const accounts: Record<string, MemberAccount> = {};
  for (const account of spec.accounts) {
    const email =
      account.email ?? `${account.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.com`;
    const tags = tagsOf(account);
    const response = await organizations.send(
      new CreateAccountCommand({
        AccountName: account.name,
        Email: email,
        ...(tags.length > 0 ? { Tags: tags } : {}),
      }),
    );
    const accountId = required(response.CreateAccountStatus?.AccountId, `id of ${account.name}`);
    let parentId = rootId;
    if (account.ou !== undefined) {
      parentId = required(ouIds.get(account.ou), `id of OU ${account.ou}`);
      await organizations.send(
        new MoveAccountCommand({
          AccountId: accountId,
          SourceParentId: rootId,
          DestinationParentId: parentId,
        }),
      );
    }
    accounts[account.name] = { name: account.name, accountId, email, parentId };
  }

  return {
    endpoint,
    organizationId: required(organization.Id, 'organization id'),
    rootId,
    managementAccountId: organization.MasterAccountId ?? MANAGEMENT_ACCOUNT_ID,
    organizationalUnits: Object.fromEntries(ouIds) as Record<OuNameOf<S>, string>,
    accounts: accounts as Record<AccountNameOf<S>, MemberAccount>,
  };
}

function tagsOf(spec: TaggedSpec): Tag[] {
  const tags = Object.entries(spec.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  if (spec.mode !== undefined) tags.push({ Key: MODE_TAG, Value: spec.mode });
  return tags;
}

function validateSpec(spec: OrganizationSpec): void {
  const problems: string[] = [];
  const ouNames = new Set<string>();
  const checkTags = (what: string, tagged: TaggedSpec) => {
    if (tagged.mode !== undefined && tagged.tags?.[MODE_TAG] !== undefined) {
      problems.push(`${what} sets its mode both as \`mode\` and as the ${MODE_TAG} tag`);
    }
  };
  checkTags('the root', spec.root ?? {});
  for (const ou of spec.organizationalUnits ?? []) {
    if (ouNames.has(ou.name)) problems.push(`OU ${ou.name} is declared twice`);
    if (ou.parent !== undefined && !ouNames.has(ou.parent)) {
      problems.push(`OU ${ou.name} names parent ${ou.parent}, which is not declared before it`);
    }
    checkTags(`OU ${ou.name}`, ou);
    ouNames.add(ou.name);
  }
  const accountNames = new Set<string>();
  for (const account of spec.accounts) {
    if (accountNames.has(account.name)) problems.push(`account ${account.name} is declared twice`);
    if (account.ou !== undefined && !ouNames.has(account.ou)) {
      problems.push(`account ${account.name} names OU ${account.ou}, which is not declared`);
    }
    checkTags(`account ${account.name}`, account);
    accountNames.add(account.name);
  }
  if (problems.length > 0) {
    throw new EstateError('INVALID_SPEC', `invalid organization spec: ${problems.join('; ')}`);
  }
}

/** Options for {@link assumeRole} and {@link memberCredentials}. */
export interface AssumeRoleOptions {
  /** @default 'sg-guard-test' */
  readonly sessionName?: string;
  /** Credentials to call STS with. @default EMULATOR_CREDENTIALS (the management account) */
  readonly credentials?: EmulatorCredentials;
  readonly region?: EmulatorClientOptions['region'];
}

/**
 * Credentials for `roleArn` from the emulator's STS. moto maps the returned access key to the
 * role's account, so clients built with them act in that account.
 */
export async function assumeRole(
  endpoint: string,
  roleArn: string,
  options: AssumeRoleOptions = {},
): Promise<EmulatorCredentials> {
  const sts = emulatorSts(endpoint, {
    credentials: options.credentials ?? EMULATOR_CREDENTIALS,
    ...(options.region ? { region: options.region } : {}),
  });
  const response = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: options.sessionName ?? 'sg-guard-test',
    }),
  );
  const credentials = required(response.Credentials, `credentials for ${roleArn}`);
  return {
    accessKeyId: required(credentials.AccessKeyId, 'access key id'),
    secretAccessKey: required(credentials.SecretAccessKey, 'secret access key'),
    sessionToken: required(credentials.SessionToken, 'session token'),
    ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
  };
}

/**
 * Credentials that act in `accountId`, by assuming its `OrganizationAccountAccessRole` from the
 * management account. For the management account itself this is `EMULATOR_CREDENTIALS`.
 *
 * After `POST /moto-api/reset` moto forgets every assumed role and silently maps the old keys
 * to the management account: assume again after each reset.
 *
 * @example
 * const credentials = await memberCredentials(moto.endpoint, org.accounts.prod.accountId);
 * const ec2 = emulatorEc2(moto.endpoint, { credentials });
 */
export async function memberCredentials(
  endpoint: string,
  accountId: string,
  options: AssumeRoleOptions & { readonly roleName?: string } = {},
): Promise<EmulatorCredentials> {
  if (accountId === MANAGEMENT_ACCOUNT_ID && options.roleName === undefined) {
    return EMULATOR_CREDENTIALS;
  }
  const roleArn = `arn:aws:iam::${accountId}:role/${options.roleName ?? MEMBER_ROLE_NAME}`;
  return assumeRole(endpoint, roleArn, options);
}
