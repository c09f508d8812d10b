/**
 * Which infrastructure-as-code tool manages a group, from the tags such tools put on what they
 * create. A group they manage re-opens at the next deployment unless its template is fixed, so
 * the mail says so.
 */
import type { RemediationRecord } from '../model.js';

/** Tag keys (lower case) that name a managing tool, and the tag that names its stack. */
const MANAGERS: readonly { readonly key: string; readonly tool: string }[] = [
  { key: 'aws:cloudformation:stack-name', tool: 'CloudFormation' },
  { key: 'pulumi:project', tool: 'Pulumi' },
  { key: 'managed-by', tool: '' },
  { key: 'managedby', tool: '' },
  { key: 'terraform', tool: 'Terraform' },
];

/**
 * The managing tool and stack, when the group's tags name one.
 *
 * @example
 * managedByOf({ 'aws:cloudformation:stack-name': 'web' }) // → { tool: 'CloudFormation', stack: 'web' }
 * managedByOf({ ManagedBy: 'terraform' }) // → { tool: 'terraform' }
 */
export function managedByOf(
  tags: Readonly<Record<string, string>> | undefined,
): RemediationRecord['managedBy'] | undefined {
  if (!tags) return undefined;
  const lower = new Map(Object.entries(tags).map(([key, value]) => [key.toLowerCase(), value]));
  for (const { key, tool } of MANAGERS) {
    const value = lower.get(key)?.trim();
    if (!value) continue;
    if (tool === '') return { tool: value.slice(0, 64) };
    if (tool === 'Terraform') return { tool };
    return { tool, stack: value.slice(0, 128) };
  }
  return undefined;
}
