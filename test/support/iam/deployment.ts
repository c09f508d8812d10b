/**
 * The deployed IAM of sg-guard, from one synthesis of the app: the remediator's and the auto
 * recorder's roles as the member StackSet template gives them in a member account-region, the
 * mode publisher's, and the resource policies of the central stack (topic, key) and the mode
 * publisher stack (mode map bucket) the remediator depends on.
 */

import { loadConfig, type SgGuardConfig } from '../../../infra/lib/config.js';
import { AUTO_RECORDER_ROLE_PREFIX } from '../../../infra/lib/constructs/auto-recorder.js';
import type { TemplateJson } from '../../../infra/tests/support/synth.js';
import { type SynthesizedApp, synthesizeApp } from '../../../infra/tests/support/synth.js';
import { MODE_MAP } from '../mode-map.js';
import type { TestAccountName, World } from '../world.js';
import type { Naming } from './calls.js';
import type { ResourcePolicyOf, SimulatedPrincipal } from './evaluate.js';
import {
  type NamedPolicy,
  type PolicyDocument,
  TemplateResolver,
  UnresolvableTemplateError,
} from './template.js';

/** The synthesized app and its config (slow to build: once per file). */
export interface DeployedIam {
  readonly config: SgGuardConfig;
  readonly synthesized: SynthesizedApp;
  readonly member: TemplateJson;
  readonly central: TemplateJson;
  readonly modePublisher: TemplateJson;
}

/**
 * Synthesizes the example config with Security Hub on (the member template then grants
 * everything any setting needs; the Security Hub statement is the one setting-dependent one).
 */
export function synthesizeDeployedIam(): DeployedIam {
  const config: SgGuardConfig = { ...loadConfig(), securityHub: true };
  const synthesized = synthesizeApp(config);
  const stack = (name: string) => {
    const found = [...synthesized.templates].find(([key]) => key === name)?.[1];
    if (!found) throw new UnresolvableTemplateError(`no stack ${name} was synthesized`);
    return found;
  };
  return {
    config,
    synthesized,
    member: synthesized.member.json,
    central: stack(synthesized.stacks.central.stackName),
    modePublisher: stack(synthesized.stacks.modePublisher?.stackName ?? 'none'),
  };
}

const REMEDIATOR_FUNCTION = 'sg-guard-remediator';

/** One function of a synthesized stack as deployed: its role as the principal of its calls. */
export interface DeployedFunction {
  readonly resolver: TemplateResolver;
  readonly functionId: string;
  readonly roleId: string;
  readonly principal: SimulatedPrincipal;
  /** The function's environment, resolved (the deployed names of its topic, bucket, table). */
  readonly environment: Readonly<Record<string, string>>;
}

/** The remediator as deployed into one member account and region. */
export type DeployedRemediator = DeployedFunction;

/**
 * The function `findFunction` picks in `template` placed at `placement`, running under its role
 * (with `policies` instead of the template's, e.g. one statement less).
 */
function deployedFunction(
  iam: DeployedIam,
  template: TemplateJson,
  placement: { readonly accountId: string; readonly region: string },
  findFunction: (resolver: TemplateResolver) => string,
  policies?: readonly NamedPolicy[],
): DeployedFunction {
  const resolver = new TemplateResolver(template, placement);
  const functionId = findFunction(resolver);
  const roleId = resolver.roleOfFunction(functionId);
  const properties = resolver.properties(functionId) as {
    Environment?: { Variables?: Record<string, string> };
  };
  return {
    resolver,
    functionId,
    roleId,
    environment: properties.Environment?.Variables ?? {},
    principal: {
      roleArn: resolver.arnOf(roleId),
      accountId: placement.accountId,
      organizationId: iam.config.organizationId,
      identityPolicies: policies ?? resolver.rolePolicies(roleId),
    },
  };
}

const named = (name: string) => (resolver: TemplateResolver) =>
  resolver.single('AWS::Lambda::Function', (properties) => properties.FunctionName === name);

/** The remediator's role (with `policies` instead of the template's, e.g. one statement less). */
export function deployedRemediator(
  iam: DeployedIam,
  placement: { readonly accountId: string; readonly region: string },
  policies?: readonly NamedPolicy[],
): DeployedRemediator {
  return deployedFunction(iam, iam.member, placement, named(REMEDIATOR_FUNCTION), policies);
}

/**
 * How the world's emulated names map to the deployed ones: the test's central topic is the
 * deployed findings topic, the test's mode map bucket is the deployed mode map bucket; member
 * accounts, regions, the ledger table keep their names.
 */
export function deployedNaming(
  iam: DeployedIam,
  world: World,
  remediator: DeployedFunction,
): Naming {
  const central = new TemplateResolver(iam.central, {
    accountId: iam.config.central.accountId,
    region: iam.config.central.region,
  });
  const publisherAccount = iam.config.modePublisher?.accountId ?? '';
  const publisher = new TemplateResolver(iam.modePublisher, {
    accountId: publisherAccount,
    region: iam.config.modeMap?.region ?? 'us-east-1',
  });
  const topicArn = remediator.environment.SG_GUARD_TOPIC_ARN ?? '';
  const bucket = remediator.environment.SG_GUARD_MODE_BUCKET ?? '';
  const modeBucketId = publisher.single('AWS::S3::Bucket');
  const keyOfTopic = new Map<string, { keyArn: string; aliases: string[] }>();
  for (const id of central.idsOfType('AWS::SNS::Topic')) {
    const properties = central.properties(id) as { KmsMasterKeyId?: string };
    if (!properties.KmsMasterKeyId) continue;
    const aliases = central
      .idsOfType('AWS::KMS::Alias')
      .map((alias) => central.properties(alias) as { AliasName: string; TargetKeyId: string })
      .filter((alias) => alias.TargetKeyId === properties.KmsMasterKeyId)
      .map((alias) => alias.AliasName);
    keyOfTopic.set(central.arnOf(id), { keyArn: properties.KmsMasterKeyId, aliases });
  }
  const keys = new Map<string, string>();
  for (const name of ['security', 'enforced', 'notified', 'disabled', 'inherits'] as const) {
    const account = world.account(name as TestAccountName);
    keys.set(account.credentials.accessKeyId, account.accountId);
  }
  return {
    accountOf: (accessKeyId) => {
      const account = keys.get(accessKeyId);
      if (!account) throw new Error(`a call was signed by an unknown key ${accessKeyId}`);
      return account;
    },
    rename: (arn) => {
      if (arn === world.inbox.topicArn) return topicArn;
      const emulatedBucket = `arn:aws:s3:::${MODE_MAP.bucket}`;
      if (arn === emulatedBucket || arn.startsWith(`${emulatedBucket}/`))
        return `arn:aws:s3:::${bucket}${arn.slice(emulatedBucket.length)}`;
      return arn;
    },
    topicKey: (topic) => keyOfTopic.get(topic),
    bucketOwner: (name) =>
      name === publisher.refOf(modeBucketId) ? publisherAccount : remediator.principal.accountId,
  };
}

/** The resource policies of the central and mode publisher stacks, by the ARN they govern. */
export function deployedResourcePolicies(iam: DeployedIam): ResourcePolicyOf {
  const central = new TemplateResolver(iam.central, {
    accountId: iam.config.central.accountId,
    region: iam.config.central.region,
  });
  const publisher = new TemplateResolver(iam.modePublisher, {
    accountId: iam.config.modePublisher?.accountId ?? '',
    region: iam.config.modeMap?.region ?? 'us-east-1',
  });
  const topics = new Map<string, PolicyDocument>();
  for (const id of central.idsOfType('AWS::SNS::TopicPolicy')) {
    const properties = central.properties(id) as {
      Topics: string[];
      PolicyDocument: PolicyDocument;
    };
    for (const topic of properties.Topics) topics.set(topic, properties.PolicyDocument);
  }
  const keys = new Map<string, PolicyDocument>();
  for (const id of central.idsOfType('AWS::KMS::Key')) {
    keys.set(central.arnOf(id), central.properties(id).KeyPolicy as PolicyDocument);
  }
  const buckets = new Map<string, PolicyDocument>();
  for (const id of publisher.idsOfType('AWS::S3::BucketPolicy')) {
    const properties = publisher.properties(id) as {
      Bucket: string;
      PolicyDocument: PolicyDocument;
    };
    buckets.set(properties.Bucket, properties.PolicyDocument);
  }
  return (arn) => {
    if (arn.startsWith('arn:aws:s3:::')) {
      const bucket = arn.slice('arn:aws:s3:::'.length).split('/')[0] ?? '';
      return buckets.get(bucket);
    }
    return topics.get(arn) ?? keys.get(arn);
  };
}

const PUBLISHER_FUNCTION = 'sg-guard-mode-publisher';

/** The mode publisher as deployed (its stack's account and the mode map's region). */
export function deployedModePublisher(
  iam: DeployedIam,
  policies?: readonly NamedPolicy[],
): DeployedFunction {
  const placement = {
    accountId: iam.config.modePublisher?.accountId ?? '',
    region: iam.config.modeMap?.region ?? 'us-east-1',
  };
  return deployedFunction(iam, iam.modePublisher, placement, named(PUBLISHER_FUNCTION), policies);
}

/**
 * The auto recorder custom resource's handler as deployed into one member account and region:
 * the function running as `sg-guard-config-recorder-<region>`, and the properties its custom
 * resource hands it (`ResourceProperties` of every event CloudFormation sends).
 */
export function deployedAutoRecorder(
  iam: DeployedIam,
  placement: { readonly accountId: string; readonly region: string },
  policies?: readonly NamedPolicy[],
): DeployedFunction & { readonly resourceProperties: Readonly<Record<string, string>> } {
  const deployed = deployedFunction(
    iam,
    iam.member,
    placement,
    (resolver) => {
      const role = resolver.single(
        'AWS::IAM::Role',
        (properties) =>
          properties.RoleName !== undefined &&
          resolver.resolveString(properties.RoleName) ===
            `${AUTO_RECORDER_ROLE_PREFIX}${placement.region}`,
      );
      return resolver.single(
        'AWS::Lambda::Function',
        (properties) =>
          (properties.Role as { 'Fn::GetAtt'?: [string] })?.['Fn::GetAtt']?.[0] === role,
      );
    },
    policies,
  );
  const resource = deployed.resolver.single('Custom::SgGuardConfigRecorder');
  return {
    ...deployed,
    resourceProperties: deployed.resolver.properties(resource) as Record<string, string>,
  };
}

/** The publisher's calls (signed with `accessKeyId`) as its deployed account's, on its bucket. */
export function publisherNaming(
  iam: DeployedIam,
  publisher: DeployedFunction,
  accessKeyId: string,
): Naming {
  const bucket = publisher.environment.SG_GUARD_MODE_BUCKET ?? '';
  const emulatedBucket = `arn:aws:s3:::${MODE_MAP.bucket}`;
  return {
    accountOf: (key) => {
      if (key !== accessKeyId) throw new Error(`a publisher call was signed by ${key}`);
      return publisher.principal.accountId;
    },
    rename: (arn) =>
      arn === emulatedBucket || arn.startsWith(`${emulatedBucket}/`)
        ? `arn:aws:s3:::${bucket}${arn.slice(emulatedBucket.length)}`
        : arn,
    topicKey: () => undefined,
    bucketOwner: () => iam.config.modePublisher?.accountId ?? '',
  };
}
