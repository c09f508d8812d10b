/**
 * Reader for AWS Config configuration items of `AWS::EC2::SecurityGroup`, whose
 * `configuration` is camelCase and, in older items, carries IPv4 ranges twice: as
 * `ipv4Ranges[{ cidrIp }]` and as the legacy string array `ipRanges`.
 */
import * as z from 'zod/mini';
import { InvalidRuleError } from '../errors.js';
import type { GroupSnapshot, InboundRule, RuleSource } from '../model.js';
import { safeParse } from '../validation.js';
import { buildRule, cidrSource, groupSource, prefixListSource } from './canonical.js';

const text = z.nullish(z.string());
const port = z.nullish(z.int());

// Schemas are built on their first parse (`z.lazy`), not at module load: that is cold start.
const permissionSchema = z.lazy(() =>
  z.object({
    ipProtocol: z.union([z.string(), z.number()]),
    fromPort: port,
    toPort: port,
    ipv4Ranges: z.nullish(z.array(z.object({ cidrIp: z.string(), description: text }))),
    ipv6Ranges: z.nullish(z.array(z.object({ cidrIpv6: z.string(), description: text }))),
    ipRanges: z.nullish(z.array(z.string())),
    prefixListIds: z.nullish(z.array(z.object({ prefixListId: z.string(), description: text }))),
    userIdGroupPairs: z.nullish(
      z.array(z.object({ groupId: text, userId: text, vpcId: text, description: text })),
    ),
  }),
);

const configurationSchema = z.lazy(() =>
  z.object({
    groupId: z.string().check(z.minLength(1)),
    groupName: text,
    vpcId: text,
    ownerId: text,
    ipPermissions: z.nullish(z.array(permissionSchema)),
    tags: z.nullish(z.array(z.object({ key: z.string(), value: z.nullish(z.string()) }))),
  }),
);

const itemSchema = z.lazy(() =>
  z.object({
    resourceType: z.optional(z.literal('AWS::EC2::SecurityGroup')),
    configurationItemStatus: text,
    awsAccountId: text,
    tags: z.nullish(z.record(z.string(), z.string())),
    // The GetResourceConfigHistory API returns `configuration` as a JSON string. (What classic
    // zod's `preprocess` is: a transform piped into the schema.)
    configuration: z.pipe(
      z.transform((value: unknown, payload): unknown => {
        if (typeof value !== 'string') return value;
        try {
          return JSON.parse(value);
        } catch (error) {
          // A mini transform gets the bare payload (no `addIssue`): the issue goes in as is.
          payload.issues.push({
            code: 'custom',
            message: `configuration string: ${String(error)}`,
            input: value,
          });
          return z.NEVER;
        }
      }),
      configurationSchema,
    ),
  }),
);

type ConfigPermission = z.infer<typeof permissionSchema>;

function rulesOfPermission(permission: ConfigPermission): InboundRule[] {
  const sources: { source: RuleSource; description?: string | null | undefined }[] = [];
  const seenIpv4 = new Set<string>();
  for (const range of permission.ipv4Ranges ?? []) {
    const source = cidrSource(range.cidrIp, 'ipv4');
    seenIpv4.add(source.cidr);
    sources.push({ source, description: range.description });
  }
  // Legacy `ipRanges` repeats `ipv4Ranges` in items that have both; only add what is new.
  for (const cidr of permission.ipRanges ?? []) {
    const source = cidrSource(cidr, 'ipv4');
    if (seenIpv4.has(source.cidr)) continue;
    seenIpv4.add(source.cidr);
    sources.push({ source });
  }
  for (const range of permission.ipv6Ranges ?? []) {
    sources.push({ source: cidrSource(range.cidrIpv6, 'ipv6'), description: range.description });
  }
  for (const entry of permission.prefixListIds ?? []) {
    sources.push({ source: prefixListSource(entry.prefixListId), description: entry.description });
  }
  for (const pair of permission.userIdGroupPairs ?? []) {
    sources.push({
      source: groupSource(
        pair.groupId ?? undefined,
        pair.userId ?? undefined,
        pair.vpcId ?? undefined,
      ),
      description: pair.description,
    });
  }
  return sources.map(({ source, description }) =>
    buildRule({
      protocol: permission.ipProtocol,
      fromPort: permission.fromPort ?? undefined,
      toPort: permission.toPort ?? undefined,
      source,
      description: description ?? undefined,
    }),
  );
}

/**
 * A snapshot from an AWS Config configuration item of a security group (as delivered in
 * `ConfigurationItemChangeNotification`, or from GetResourceConfigHistory where
 * `configuration` is a JSON string). Tags come from the item's `tags` record, else from
 * `configuration.tags`.
 *
 * @throws InvalidRuleError for another resource type, a deleted resource, or a shape that does
 *   not validate (the message lists the zod issues); InvalidCidrError for a malformed CIDR.
 * @example
 * groupFromConfigItem({ resourceType: 'AWS::EC2::SecurityGroup', configuration: { groupId: 'sg-1', ipPermissions: [
 *   { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }], ipRanges: ['0.0.0.0/0'] } ] } })
 * // → { groupId: 'sg-1', rules: [tcp 22 from 0.0.0.0/0] }
 */
export function groupFromConfigItem(item: unknown): GroupSnapshot {
  const status = (item as { configurationItemStatus?: unknown } | null)?.configurationItemStatus;
  if (status === 'ResourceDeleted' || status === 'ResourceDeletedNotRecorded') {
    throw new InvalidRuleError(`configuration item describes a deleted group (${status})`);
  }
  const parsed = safeParse(itemSchema, item);
  if (!parsed.success) {
    throw new InvalidRuleError(
      `not an AWS::EC2::SecurityGroup configuration item: ${z.prettifyError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  const { configuration, tags: itemTags, awsAccountId } = parsed.data;
  const tags =
    itemTags ??
    (configuration.tags
      ? Object.fromEntries(configuration.tags.map((tag) => [tag.key, tag.value ?? '']))
      : undefined);
  const ownerId = configuration.ownerId ?? awsAccountId;
  return {
    groupId: configuration.groupId,
    ...(configuration.groupName ? { groupName: configuration.groupName } : {}),
    ...(configuration.vpcId ? { vpcId: configuration.vpcId } : {}),
    ...(ownerId ? { ownerId } : {}),
    ...(tags ? { tags } : {}),
    rules: (configuration.ipPermissions ?? []).flatMap(rulesOfPermission),
  };
}
