/**
 * Reads what `aws ec2 describe-security-groups` or `aws ec2 describe-security-group-rules`
 * prints (`--output json`) into groups the core can assess. Offline: no AWS call.
 */
import { readFile } from 'node:fs/promises';
import type { SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import {
  type GroupSnapshot,
  groupFromSecurityGroup,
  rulesFromSecurityGroupRules,
} from '@sg-guard/remediation-core';
import { z } from 'zod';
import { InputError } from '../errors.js';

const DescribeOutput = z.union([
  z.object({ SecurityGroups: z.array(z.unknown()) }),
  z.object({ SecurityGroupRules: z.array(z.unknown()) }),
]);

/** Which AWS CLI output a file held. */
export type DescribeKind = 'describe-security-groups' | 'describe-security-group-rules';

/** Groups read from one file, in the file's order. */
export interface DescribedGroups {
  readonly kind: DescribeKind;
  readonly groups: readonly GroupSnapshot[];
}

const str = z.string();
const port = z.int();
// The fields the core reads, with the types the AWS CLI prints; anything else passes through.
const IpPermission = z.looseObject({
  IpProtocol: str,
  FromPort: port.optional(),
  ToPort: port.optional(),
  IpRanges: z.array(z.looseObject({ CidrIp: str, Description: str.optional() })).optional(),
  Ipv6Ranges: z.array(z.looseObject({ CidrIpv6: str, Description: str.optional() })).optional(),
  PrefixListIds: z
    .array(z.looseObject({ PrefixListId: str, Description: str.optional() }))
    .optional(),
  UserIdGroupPairs: z.array(z.looseObject({ GroupId: str.optional() })).optional(),
});
const SecurityGroupItem = z.looseObject({
  GroupId: str.min(1),
  GroupName: str.optional(),
  VpcId: str.optional(),
  IpPermissions: z.array(IpPermission).optional(),
  Tags: z.array(z.looseObject({ Key: str, Value: str })).optional(),
});
const SecurityGroupRuleItem = z.looseObject({
  GroupId: str.min(1),
  SecurityGroupRuleId: str.optional(),
  IsEgress: z.boolean().optional(),
  IpProtocol: str,
  FromPort: port.optional(),
  ToPort: port.optional(),
  CidrIpv4: str.optional(),
  CidrIpv6: str.optional(),
  PrefixListId: str.optional(),
  ReferencedGroupInfo: z.looseObject({ GroupId: str.optional() }).optional(),
  Description: str.optional(),
});

/** `the string "22"`, `null`, `the number 1.5`: what a value is, for a type error. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean')
    return `the ${typeof value} ${value}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** `FromPort: expected a whole number, got the string "22"` for each bad field of an item. */
function fieldErrors(error: z.ZodError, item: unknown): string {
  const messages = error.issues.map((issue) => {
    const value = valueAt(item, issue.path);
    const field = fieldPath(issue.path) || '(item)';
    if (issue.code === 'invalid_type') {
      const expected =
        issue.expected === 'int' || issue.expected === 'number'
          ? 'a whole number'
          : issue.expected === 'string'
            ? 'a string'
            : issue.expected === 'array'
              ? 'an array'
              : issue.expected === 'boolean'
                ? 'true or false'
                : issue.expected === 'object'
                  ? 'an object'
                  : issue.expected;
      return value === undefined
        ? `${field}: missing (expected ${expected})`
        : `${field}: expected ${expected}, got ${describeValue(value)}`;
    }
    return `${field}: ${issue.message}`;
  });
  return [...new Set(messages)].join('; ');
}

/** `group sg-0abc (web)`, or `group #3 (no GroupId)`: how an error names the item's group. */
function groupLabel(item: unknown, index: number, ruleFile: boolean): string {
  const record = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const id = typeof record.GroupId === 'string' && record.GroupId ? record.GroupId : undefined;
  const name = typeof record.GroupName === 'string' && record.GroupName ? record.GroupName : '';
  const rule =
    ruleFile && typeof record.SecurityGroupRuleId === 'string'
      ? `, rule ${record.SecurityGroupRuleId}`
      : ruleFile
        ? `, rule #${index + 1}`
        : '';
  if (!id) return `${ruleFile ? `rule #${index + 1}` : `group #${index + 1}`} (no GroupId)`;
  return `group ${id}${name ? ` (${name})` : ''}${rule}`;
}

function checked<T extends z.ZodType>(
  schema: T,
  item: unknown,
  index: number,
  source: string,
  ruleFile: boolean,
): z.output<T> {
  const result = schema.safeParse(item);
  if (result.success) return result.data;
  throw new InputError(
    source,
    `${groupLabel(item, index, ruleFile)}: ${fieldErrors(result.error, item)}`,
  );
}

/** Runs the core's conversion of one group; its errors name the group. */
function converted<T>(label: string, source: string, convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    throw new InputError(
      source,
      `${label}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Groups from the parsed JSON of either describe call. Rules from
 * `describe-security-group-rules` are grouped by `GroupId` (they carry no names); egress rules
 * are ignored. Every error names the group (and the rule) it is about.
 *
 * @throws InputError naming `source` when the JSON is neither shape, or naming the group when a
 *   field has the wrong type (`FromPort: "22"`) or a rule is malformed.
 */
export function groupsFromDescribeOutput(json: unknown, source: string): DescribedGroups {
  const parsed = DescribeOutput.safeParse(json);
  if (!parsed.success) {
    throw new InputError(
      source,
      'expected the JSON of `aws ec2 describe-security-groups` ({"SecurityGroups": [...]}) or ' +
        '`aws ec2 describe-security-group-rules` ({"SecurityGroupRules": [...]}), each item with a GroupId',
    );
  }
  if ('SecurityGroups' in parsed.data) {
    const groups = parsed.data.SecurityGroups.map((item, index) => {
      const group = checked(SecurityGroupItem, item, index, source, false) as SecurityGroup;
      return converted(groupLabel(item, index, false), source, () => groupFromSecurityGroup(group));
    });
    return { kind: 'describe-security-groups', groups };
  }
  const byGroup = new Map<string, SecurityGroupRule[]>();
  parsed.data.SecurityGroupRules.forEach((item, index) => {
    const rule = checked(SecurityGroupRuleItem, item, index, source, true) as SecurityGroupRule & {
      GroupId: string;
    };
    // Each rule is converted on its own first, so an error names the rule, not just the group.
    converted(groupLabel(item, index, true), source, () => rulesFromSecurityGroupRules([rule]));
    byGroup.set(rule.GroupId, [...(byGroup.get(rule.GroupId) ?? []), rule]);
  });
  return {
    kind: 'describe-security-group-rules',
    groups: [...byGroup].map(([groupId, rules]) =>
      converted(`group ${groupId}`, source, () => ({
        groupId,
        rules: rulesFromSecurityGroupRules(rules),
      })),
    ),
  };
}

/** Reads and parses a file (or stdin for `-`) of describe output. */
export async function readDescribeFile(
  file: string,
  stdin: NodeJS.ReadableStream,
): Promise<DescribedGroups> {
  let text: string;
  try {
    text = file === '-' ? await readAll(stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(file, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    // Files saved by some Windows editors and PowerShell start with a UTF-8 byte order mark.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InputError(file, `not JSON: ${(error as Error).message}`, { cause: error });
  }
  return groupsFromDescribeOutput(json, file);
}

/** All of a stream as UTF-8 text. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}
