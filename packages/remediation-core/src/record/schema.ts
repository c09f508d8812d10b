import * as z from 'zod';
import { accountIdSchema, regionSchema, securityGroupIdSchema } from '../events/identifiers.js';
import { NOTICE_ACTIONS, TRIGGERS } from '../model.js';
import { STRATEGIES } from '../plan/plan.js';
import { MODES } from '../policy/mode.js';

const portSchema = z.number().int().min(-1).max(65535);

const sourceSchema = z.union([
  z.object({
    kind: z.literal('cidr'),
    family: z.enum(['ipv4', 'ipv6']),
    cidr: z.string().regex(/^[0-9a-fA-F.:]+\/\d{1,3}$/, 'expected a CIDR like 10.0.0.0/8'),
  }),
  z.object({ kind: z.literal('prefix-list'), prefixListId: z.string().min(1) }),
  z.object({
    kind: z.literal('security-group'),
    groupId: z.string().min(1),
    userId: z.string().min(1).optional(),
    vpcId: z.string().min(1).optional(),
  }),
]);

/** Zod schema of a {@link RecordedRule}: enough to re-create or remove a rule exactly. */
export const recordedRuleSchema = z.object({
  ruleId: z
    .string()
    .regex(/^sgr-[0-9a-z]+$/, 'expected a rule id like sgr-0123456789abcdef0')
    .optional(),
  protocol: z.string().min(1),
  fromPort: portSchema,
  toPort: portSchema,
  source: sourceSchema,
  description: z.string().optional(),
  created: z.boolean().optional(),
});

const modeSchema = z.enum(MODES);
const strategySchema = z.enum(STRATEGIES);

/**
 * Zod schema of a {@link RemediationRecord}, schema version 1. Beyond the types it checks that an
 * `exempted` record says which exemption and a `failed` record says which error.
 */
export const remediationRecordSchema = z
  .object({
    schemaVersion: z.literal(1),
    recordId: z.string().regex(/^\S{1,200}$/, 'expected an id without spaces'),
    time: z.iso.datetime({ offset: true }),
    action: z.enum(NOTICE_ACTIONS),
    mode: modeSchema,
    accountId: accountIdSchema,
    accountName: z.string().optional(),
    region: regionSchema,
    groupId: securityGroupIdSchema,
    groupName: z.string().optional(),
    vpcId: z.string().min(1).optional(),
    trigger: z.enum(TRIGGERS),
    actor: z.string().optional(),
    eventId: z.string().optional(),
    eventTime: z.iso.datetime({ offset: true }).optional(),
    configRuleName: z.string().optional(),
    exposureSeconds: z.number().int().min(0).optional(),
    managedBy: z.object({ tool: z.string().min(1), stack: z.string().optional() }).optional(),
    repeat: z
      .object({
        previousRecordId: z.string().min(1),
        previousTime: z.iso.datetime({ offset: true }),
      })
      .optional(),
    planned: z
      .object({ revoke: z.array(recordedRuleSchema), authorize: z.array(recordedRuleSchema) })
      .optional(),
    strategy: strategySchema,
    appliedStrategy: strategySchema,
    fallbackReason: z.string().optional(),
    exposures: z.array(
      z.object({
        rule: recordedRuleSchema,
        ports: z.array(z.number().int().min(0).max(65535)),
        family: z.enum(['ipv4', 'ipv6']),
        reason: z.enum(['world-cidr', 'world-prefix-list', 'union']),
      }),
    ),
    revoked: z.array(recordedRuleSchema),
    authorized: z.array(recordedRuleSchema),
    dropped: z.array(z.string()),
    exemption: z.object({ reason: z.string().min(1), until: z.string().optional() }).optional(),
    policySource: z.union([
      z.object({ kind: z.enum(['account', 'ou', 'root']), id: z.string().min(1) }),
      z.object({ kind: z.literal('default') }),
    ]),
    warnings: z.array(z.string()),
    error: z
      .object({
        code: z.string().min(1),
        message: z.string(),
        missingPermission: z.string().optional(),
      })
      .optional(),
  })
  .superRefine((record, context) => {
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
  });

/** A record schema error as `path: message` lines. */
export function recordIssues(error: z.ZodError): string[] {
  return error.issues.map(
    (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
  );
}
