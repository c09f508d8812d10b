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
  z.object({ SecurityGroups: z.array(z.looseObject({ GroupId: z.string() })) }),
  z.object({ SecurityGroupRules: z.array(z.looseObject({ GroupId: z.string() })) }),
]);

/** Which AWS CLI output a file held. */
export type DescribeKind = 'describe-security-groups' | 'describe-security-group-rules';

/** Groups read from one file, in the file's order. */
export interface DescribedGroups {
  readonly kind: DescribeKind;
  readonly groups: readonly GroupSnapshot[];
}

/**
 * Groups from the parsed JSON of either describe call. Rules from
 * `describe-security-group-rules` are grouped by `GroupId` (they carry no names); egress rules
 * are ignored.
 *
 * @throws InputError naming `source` when the JSON is neither shape or a rule is malformed.
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
  try {
    if ('SecurityGroups' in parsed.data) {
      const groups = parsed.data.SecurityGroups as SecurityGroup[];
      return { kind: 'describe-security-groups', groups: groups.map(groupFromSecurityGroup) };
    }
    const byGroup = new Map<string, SecurityGroupRule[]>();
    for (const rule of parsed.data.SecurityGroupRules as (SecurityGroupRule & {
      GroupId: string;
    })[]) {
      byGroup.set(rule.GroupId, [...(byGroup.get(rule.GroupId) ?? []), rule]);
    }
    return {
      kind: 'describe-security-group-rules',
      groups: [...byGroup].map(([groupId, rules]) => ({
        groupId,
        rules: rulesFromSecurityGroupRules(rules),
      })),
    };
  } catch (error) {
    throw new InputError(source, error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
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
    json = JSON.parse(text);
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
