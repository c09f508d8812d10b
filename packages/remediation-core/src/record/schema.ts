import * as z from 'zod/mini';
import { accountIdSchema, regionSchema, securityGroupIdSchema } from '../events/identifiers.js';
import { NOTICE_ACTIONS, TRIGGERS } from '../model.js';
import { STRATEGIES } from '../plan/plan.js';
import { MODES } from '../policy/mode.js';

// Every schema here is built on its first parse (`z.lazy`), not at module load: that is cold
// start, and a remediator container parses only a few of the core's schemas, later.

const portSchema = () => z.int().check(z.gte(-1), z.lte(65535));

const sourceSchema = () =>
  z.union([
    z.object({
      kind: z.literal('cidr'),
      family: z.enum(['ipv4', 'ipv6']),
      cidr: z
        .string()
        .check(z.regex(/^[0-9a-fA-F.:]+\/\d{1,3}$/, 'expected a CIDR like 10.0.0.0/8')),
    }),
    z.object({ kind: z.literal('prefix-list'), prefixListId: z.string().check(z.minLength(1)) }),
    z.object({
      kind: z.literal('security-group'),
      groupId: z.string().check(z.minLength(1)),
      userId: z.optional(z.string().check(z.minLength(1))),
      vpcId: z.optional(z.string().check(z.minLength(1))),
    }),
  ]);

/** Zod schema of a {@link RecordedRule}: enough to re-create or remove a rule exactly. */
export const recordedRuleSchema = z.lazy(() =>
  z.object({
    ruleId: z.optional(
      z.string().check(z.regex(/^sgr-[0-9a-z]+$/, 'expected a rule id like sgr-0123456789abcdef0')),
    ),
    protocol: z.string().check(z.minLength(1)),
    fromPort: portSchema(),
    toPort: portSchema(),
    source: sourceSchema(),
    description: z.optional(z.string()),
    created: z.optional(z.boolean()),
  }),
);

/**
 * Zod schema of a {@link RemediationRecord}, schema version 1. Beyond the types it checks that an
 * `exempted` record says which exemption and a `failed` record says which error.
 */
export const remediationRecordSchema = z.lazy(() => {
  const strategySchema = z.enum(STRATEGIES);
  return z
    .object({
      schemaVersion: z.literal(1),
      recordId: z.string().check(z.regex(/^\S{1,200}$/, 'expected an id without spaces')),
      time: z.iso.datetime({ offset: true }),
      action: z.enum(NOTICE_ACTIONS),
      mode: z.enum(MODES),
      accountId: accountIdSchema,
      accountName: z.optional(z.string()),
      region: regionSchema,
      groupId: securityGroupIdSchema,
      groupName: z.optional(z.string()),
      vpcId: z.optional(z.string().check(z.minLength(1))),
      trigger: z.enum(TRIGGERS),
      actor: z.optional(z.string()),
      eventId: z.optional(z.string()),
      eventTime: z.optional(z.iso.datetime({ offset: true })),
      configRuleName: z.optional(z.string()),
      exposureSeconds: z.optional(z.int().check(z.gte(0))),
      managedBy: z.optional(
        z.object({ tool: z.string().check(z.minLength(1)), stack: z.optional(z.string()) }),
      ),
      repeat: z.optional(
        z.object({
          previousRecordId: z.string().check(z.minLength(1)),
          previousTime: z.iso.datetime({ offset: true }),
        }),
      ),
      planned: z.optional(
        z.object({ revoke: z.array(recordedRuleSchema), authorize: z.array(recordedRuleSchema) }),
      ),
      strategy: strategySchema,
      appliedStrategy: strategySchema,
      fallbackReason: z.optional(z.string()),
      exposures: z.array(
        z.object({
          rule: recordedRuleSchema,
          ports: z.array(z.int().check(z.gte(0), z.lte(65535))),
          family: z.enum(['ipv4', 'ipv6']),
          reason: z.enum(['world-cidr', 'world-prefix-list', 'union']),
        }),
      ),
      revoked: z.array(recordedRuleSchema),
      authorized: z.array(recordedRuleSchema),
      dropped: z.array(z.string()),
      exemption: z.optional(
        z.object({ reason: z.string().check(z.minLength(1)), until: z.optional(z.string()) }),
      ),
      policySource: z.union([
        z.object({ kind: z.enum(['account', 'ou', 'root']), id: z.string().check(z.minLength(1)) }),
        z.object({ kind: z.literal('default') }),
      ]),
      warnings: z.array(z.string()),
      error: z.optional(
        z.object({
          code: z.string().check(z.minLength(1)),
          message: z.string(),
          missingPermission: z.optional(z.string()),
        }),
      ),
    })
    .check(
      z.superRefine((record, context) => {
        if (record.action === 'exempted' && record.exemption === undefined) {
          context.addIssue({
            code: 'custom',
            path: ['exemption'],
            message: 'an exempted record needs its exemption',
          });
        }
        if (record.action === 'failed' && record.error === undefined) {
          context.addIssue({
            code: 'custom',
            path: ['error'],
            message: 'a failed record needs its error',
          });
        }
      }),
    );
});

/** A record schema error as `path: message` lines. */
export function recordIssues(error: z.core.$ZodError): string[] {
  return error.issues.map(
    (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
  );
}
