/**
 * The IAM of the synthesized templates, with the intrinsics a policy uses resolved to the ARNs
 * the resources would have once deployed in a given account and region.
 */
import type { TemplateJson } from '../../../infra/tests/support/synth.js';

/** An IAM policy document (only what the harness reads). */
export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: readonly PolicyStatement[];
}

/** One statement of a {@link PolicyDocument}. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly [field: string]: unknown;
}

/** Where a stack is deployed: the values of its pseudo parameters. */
export interface StackPlacement {
  readonly accountId: string;
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
}

/** A named identity policy of a role, resolved. */
export interface NamedPolicy {
  /** The AWS::IAM::Policy's logical id, or `<role>/<PolicyName>` for an inline policy. */
  readonly name: string;
  readonly document: PolicyDocument;
}

/** Thrown when a template uses something the resolver does not model: never guessed. */
export class UnresolvableTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnresolvableTemplateError';
  }
}

const urlSuffix = (partition: string) =>
  partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';

/** Resolves intrinsics of one template placed in one account and region. */
export class TemplateResolver {
  readonly partition: string;
  constructor(
    readonly template: TemplateJson,
    readonly placement: StackPlacement,
  ) {
    this.partition = placement.partition ?? 'aws';
  }

  private resource(logicalId: string) {
    const found = this.template.Resources[logicalId];
    if (!found) throw new UnresolvableTemplateError(`no resource ${logicalId} in the template`);
    return found;
  }

  private name(logicalId: string, property: string): string {
    const value = this.resource(logicalId).Properties?.[property];
    if (value === undefined)
      throw new UnresolvableTemplateError(`${logicalId} has no ${property}: no stable name`);
    return this.resolveString(value);
  }

  /** The ARN the resource gets when deployed (`Fn::GetAtt [id, Arn]`). */
  arnOf(logicalId: string): string {
    const { accountId, region } = this.placement;
    const p = this.partition;
    const type = this.resource(logicalId).Type;
    switch (type) {
      case 'AWS::DynamoDB::Table':
        return `arn:${p}:dynamodb:${region}:${accountId}:table/${this.name(logicalId, 'TableName')}`;
      case 'AWS::Logs::LogGroup':
        return `arn:${p}:logs:${region}:${accountId}:log-group:${this.logGroupName(logicalId)}:*`;
      case 'AWS::SQS::Queue':
        return `arn:${p}:sqs:${region}:${accountId}:${this.queueName(logicalId)}`;
      case 'AWS::S3::Bucket':
        return `arn:${p}:s3:::${this.name(logicalId, 'BucketName')}`;
      case 'AWS::SNS::Topic':
        return `arn:${p}:sns:${region}:${accountId}:${this.name(logicalId, 'TopicName')}`;
      case 'AWS::Lambda::Function':
        return `arn:${p}:lambda:${region}:${accountId}:function:${this.functionName(logicalId)}`;
      case 'AWS::KMS::Key':
        // A key's id is random; the harness names it after its logical id.
        return `arn:${p}:kms:${region}:${accountId}:key/${logicalId}`;
      case 'AWS::IAM::Role':
        return `arn:${p}:iam::${accountId}:role/${this.roleName(logicalId)}`;
      default:
        throw new UnresolvableTemplateError(`no emulated ARN for ${type} (${logicalId})`);
    }
  }

  /** What `Ref` gives for a resource. */
  refOf(logicalId: string): string {
    const type = this.resource(logicalId).Type;
    switch (type) {
      case 'AWS::DynamoDB::Table':
        return this.name(logicalId, 'TableName');
      case 'AWS::S3::Bucket':
        return this.name(logicalId, 'BucketName');
      case 'AWS::SNS::Topic':
        return this.arnOf(logicalId);
      case 'AWS::IAM::Role':
        return this.roleName(logicalId);
      case 'AWS::Logs::LogGroup':
        return this.logGroupName(logicalId);
      case 'AWS::Lambda::Function':
        return this.functionName(logicalId);
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.placement.region}.${urlSuffix(this.partition)}/${this.placement.accountId}/${this.queueName(logicalId)}`;
      default:
        throw new UnresolvableTemplateError(`no emulated Ref for ${type} (${logicalId})`);
    }
  }

  private optionalName(logicalId: string, property: string): string | undefined {
    const value = this.resource(logicalId).Properties?.[property];
    return value === undefined ? undefined : this.resolveString(value);
  }
  // CloudFormation generates names for unnamed resources; the harness uses the logical id.
  private logGroupName = (id: string) => this.optionalName(id, 'LogGroupName') ?? id;
  private queueName = (id: string) => this.optionalName(id, 'QueueName') ?? id;
  private functionName = (id: string) => this.optionalName(id, 'FunctionName') ?? id;
  private roleName = (id: string) => this.optionalName(id, 'RoleName') ?? id;

  /** Resolves every intrinsic in `value` (deeply). */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first) {
      const [key, argument] = first;
      if (key === 'Ref') return this.ref(argument as string);
      if (key === 'Fn::GetAtt') {
        const [id, attribute] = argument as [string, string];
        if (attribute !== 'Arn')
          throw new UnresolvableTemplateError(`Fn::GetAtt ${id}.${attribute} is not modelled`);
        return this.arnOf(id);
      }
      if (key === 'Fn::Join') {
        const [separator, parts] = argument as [string, unknown[]];
        return parts.map((part) => this.resolveString(part)).join(separator);
      }
      if (key === 'Fn::Sub') return this.sub(argument);
      if (key.startsWith('Fn::'))
        throw new UnresolvableTemplateError(`intrinsic ${key} is not modelled`);
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item)]));
  }

  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string')
      throw new UnresolvableTemplateError(`expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  private ref(name: string): string {
    switch (name) {
      case 'AWS::Region':
        return this.placement.region;
      case 'AWS::AccountId':
        return this.placement.accountId;
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::URLSuffix':
        return urlSuffix(this.partition);
      default:
        if (name.startsWith('AWS::'))
          throw new UnresolvableTemplateError(`pseudo parameter ${name} is not modelled`);
        if (this.template.Parameters && name in (this.template.Parameters as object))
          throw new UnresolvableTemplateError(`parameter ${name} is not modelled`);
        return this.refOf(name);
    }
  }

  private sub(argument: unknown): string {
    const [text, variables] = Array.isArray(argument)
      ? (argument as [string, Record<string, unknown>])
      : [argument as string, {}];
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in variables) return this.resolveString(variables[name]);
      const [id, attribute] = name.split('.');
      if (attribute === 'Arn' && id) return this.arnOf(id);
      return this.ref(name);
    });
  }

  /** Logical ids of the template's resources of `type`. */
  idsOfType(type: string): string[] {
    return Object.entries(this.template.Resources)
      .filter(([, resource]) => resource.Type === type)
      .map(([id]) => id);
  }

  /** The role's identity policies: attached AWS::IAM::Policy resources and inline policies. */
  rolePolicies(roleId: string): NamedPolicy[] {
    const role = this.resource(roleId);
    if (role.Type !== 'AWS::IAM::Role') throw new UnresolvableTemplateError(`${roleId} is no role`);
    if (role.Properties?.ManagedPolicyArns)
      throw new UnresolvableTemplateError(`${roleId} has managed policies: not modelled`);
    const policies: NamedPolicy[] = [];
    for (const inline of (role.Properties?.Policies ?? []) as {
      PolicyName: string;
      PolicyDocument: unknown;
    }[]) {
      policies.push({
        name: `${roleId}/${inline.PolicyName}`,
        document: this.resolve(inline.PolicyDocument) as PolicyDocument,
      });
    }
    for (const id of [
      ...this.idsOfType('AWS::IAM::Policy'),
      ...this.idsOfType('AWS::IAM::ManagedPolicy'),
    ]) {
      const roles = (this.resource(id).Properties?.Roles ?? []) as unknown[];
      if (!roles.some((ref) => (ref as { Ref?: string }).Ref === roleId)) continue;
      policies.push({
        name: id,
        document: this.resolve(this.resource(id).Properties?.PolicyDocument) as PolicyDocument,
      });
    }
    return policies;
  }

  /** The role's id whose function is `functionId` (`Role: Fn::GetAtt [role, Arn]`). */
  roleOfFunction(functionId: string): string {
    const role = this.resource(functionId).Properties?.Role as { 'Fn::GetAtt'?: [string] };
    const id = role?.['Fn::GetAtt']?.[0];
    if (!id) throw new UnresolvableTemplateError(`${functionId} has no role of this stack`);
    return id;
  }

  /** The only resource of `type` whose properties satisfy `match` (throws otherwise). */
  single(type: string, match: (properties: Record<string, unknown>) => boolean = () => true) {
    const ids = this.idsOfType(type).filter((id) => match(this.resource(id).Properties ?? {}));
    if (ids.length !== 1)
      throw new UnresolvableTemplateError(`expected one ${type}, found ${ids.join(', ') || 0}`);
    return ids[0] as string;
  }

  /** A resource's resolved properties. */
  properties(logicalId: string): Record<string, unknown> {
    return this.resolve(this.resource(logicalId).Properties ?? {}) as Record<string, unknown>;
  }
}

/** Every action of a statement (as written, wildcards kept). */
export const actionsOf = (statement: PolicyStatement): string[] =>
  statement.Action === undefined
    ? []
    : typeof statement.Action === 'string'
      ? [statement.Action]
      : [...statement.Action];
