import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ACCOUNT_ID_PATTERN,
  DEFAULT_GUARDED_PORTS,
  DEFAULT_MODE,
  DEFAULT_STRATEGY,
  GUARDED_PORT_RANGE,
  MODES,
  NOTICE_ACTIONS,
  REGION_PATTERN,
  STRATEGIES,
} from '@sg-guard/remediation-core';
import { z } from 'zod';
import { type ConfigIssue, ConfigNotFoundError, InvalidConfigError } from './errors.js';
import { ORGANIZATIONS_EVENTS_REGION } from './naming.js';

/** The example config committed at the repository root; `bin/app.ts` falls back to it. */
export const DEFAULT_CONFIG_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'sg-guard.config.json',
);

/** Notice actions a mailbox can subscribe to (the `action` message attribute of each notice). */
export { NOTICE_ACTIONS };

/** Longest region code AWS uses today (`ap-southeast-5`, `ap-northeast-3`) plus headroom. */
const LONGEST_REGION = 16;
/** S3 bucket names are at most 63 characters; asset buckets are `<prefix>-<region>`. */
const MAX_ASSET_PREFIX = 63 - 1 - LONGEST_REGION;

const accountId = z.string().regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account id');
const region = z
  .string()
  .regex(REGION_PATTERN, 'must be an AWS region code such as eu-west-1')
  // Asset buckets are `<prefix>-<region>`: the prefix's room assumes this much for the region.
  .max(LONGEST_REGION, `must be an AWS region code of at most ${LONGEST_REGION} characters`);
/** An OU id, or the root id (deploys to the whole organization). */
const organizationalUnitId = z
  .string()
  .regex(
    /^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/,
    'must be an organizational unit id (ou-xxxx-xxxxxxxx) or the root id (r-xxxx)',
  );

/** S3 bucket naming rules (general purpose buckets), without the IP-address form. */
const bucketName = z
  .string()
  .min(3)
  .max(63)
  .regex(
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    'must be an S3 bucket name: lowercase letters, digits, dots and hyphens',
  );

/** Shortest and longest sweep period (minutes): the heartbeat alarm watches two periods. */
export const SWEEP_PERIOD_LIMITS = { minMinutes: 5, maxMinutes: 12 * 60 } as const;
const MINUTES_PER_UNIT = { minute: 1, hour: 60, day: 24 * 60 } as const;
const RATE = /^rate\((\d+) (minute|hour|day)(s?)\)$/;

/**
 * Minutes between two sweeps of an EventBridge `rate(...)` expression, or `undefined` when it
 * is not one EventBridge accepts (`rate(1 hour)`, `rate(2 hours)`; singular exactly for 1).
 */
export function sweepPeriodMinutes(expression: string): number | undefined {
  const match = RATE.exec(expression);
  if (!match) return undefined;
  const value = Number(match[1]);
  const plural = match[3] === 's';
  if (value < 1 || plural !== value > 1) return undefined;
  return value * MINUTES_PER_UNIT[match[2] as keyof typeof MINUTES_PER_UNIT];
}

// Only rates: the heartbeat alarm needs the period, which a cron expression does not have.
const sweepSchedule = z.string().superRefine((expression, ctx) => {
  const minutes = sweepPeriodMinutes(expression);
  if (minutes === undefined) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be an EventBridge rate expression such as rate(1 hour) or rate(30 minutes) (singular unit for 1)',
    });
  } else if (minutes < SWEEP_PERIOD_LIMITS.minMinutes || minutes > SWEEP_PERIOD_LIMITS.maxMinutes) {
    ctx.addIssue({
      code: 'custom',
      message: `must be between ${SWEEP_PERIOD_LIMITS.minMinutes} minutes and ${SWEEP_PERIOD_LIMITS.maxMinutes / 60} hours (the heartbeat alarm watches two periods within a day)`,
    });
  }
});

function unique<T extends z.ZodType>(item: T, what: string) {
  return z
    .array(item)
    .refine((items) => new Set(items).size === items.length, `must not repeat a ${what}`);
}

const notification = z.strictObject({
  /** Address that receives the mail; it must confirm the subscription once. */
  email: z.email('must be an e-mail address'),
  /** Which notices this address receives (SNS filter policy on the `action` attribute). */
  actions: unique(z.enum(NOTICE_ACTIONS), 'notice action').min(1, 'must name at least one action'),
});

const configSchema = z
  .strictObject({
    /** The AWS Organizations id (`o-…`); every cross-account grant is scoped to it. */
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id such as o-a1b2c3d4e5'),
    /** The security account and region that host the findings topic. */
    central: z.strictObject({ accountId, region }),
    /** The account that owns the StackSet: the management account or a delegated admin. */
    stackSetsAdmin: z.strictObject({
      accountId,
      /** `true` when `accountId` is a delegated administrator for StackSets. */
      delegatedAdmin: z.boolean(),
      /** Region of the rollout stack (the StackSet's home); defaults to `central.region`. */
      region: region.optional(),
    }),
    /** Where the member stack goes. */
    targets: z.strictObject({
      organizationalUnitIds: unique(organizationalUnitId, 'organizational unit').min(
        1,
        'must name at least one organizational unit',
      ),
      regions: unique(region, 'region').min(1, 'must name at least one region'),
      /**
       * Gone: StackSet auto-deployment ignores account filters, so an excluded account that
       * moved between target OUs got the stack anyway. Rejected with the way to do it instead.
       */
      excludedAccounts: z
        .never({
          error:
            'is no longer supported: StackSet auto-deployment ignores account filters. Keep the account in an OU outside targets.organizationalUnitIds, or tag it sg-guard:mode=off (docs/deploy.md "Keeping an account out")',
        })
        .optional(),
    }),
    /** Mailboxes and the notices each receives. */
    notifications: z
      .array(notification)
      .min(1, 'must name at least one mailbox')
      .refine(
        (list) => new Set(list.map((n) => n.email.toLowerCase())).size === list.length,
        'must not list an e-mail address twice',
      ),
    /** How the remediator behaves; mirrors the remediator's SG_GUARD_* settings. */
    remediation: z
      .strictObject({
        ports: unique(z.int().min(GUARDED_PORT_RANGE.min).max(GUARDED_PORT_RANGE.max), 'port')
          .min(1)
          .default([...DEFAULT_GUARDED_PORTS]),
        strategy: z.enum(STRATEGIES).default(DEFAULT_STRATEGY),
        defaultMode: z.enum(MODES).default(DEFAULT_MODE),
        allowGroupExemptions: z.boolean().default(false),
        /** CloudTrail API-call rules (seconds) in addition to the Config rule (minutes). */
        fastPath: z.boolean().default(true),
        /** How often each member sweeps every group of its account-region (EventBridge rate). */
        sweepSchedule: sweepSchedule.default('rate(1 hour)'),
      })
      .prefault({}),
    /** Import an ASFF finding per exposed group into each member's own Security Hub. */
    securityHub: z.boolean().default(false),
    /**
     * The mode map the remediators read (`modes/<accountId>.json`); without it every account
     * runs `remediation.defaultMode`.
     */
    modeMap: z
      .strictObject({
        /** Bucket of the mode publisher; defaults to `sg-guard-mode-map-<organizationId>`. */
        bucketName: bucketName.optional(),
        /** Region of that bucket (the remediators read it from every region). */
        region,
      })
      .optional(),
    /** How the member stack gets an AWS Config recorder. */
    config: z
      .strictObject({ recorderMode: z.enum(['auto', 'existing', 'create']).default('auto') })
      .prefault({}),
    /**
     * Where the mode publisher and the mode map's bucket live (stack SgGuardModePublisher, in
     * us-east-1): an account that can read the whole organization. Required with `modeMap`.
     */
    modePublisher: z
      .strictObject({
        /** `management`, or an Organizations delegated administrator (`delegated-admin`). */
        location: z.enum(['management', 'delegated-admin']),
        accountId,
      })
      .optional(),
    /** StackSet operation preferences. */
    rollout: z
      .strictObject({
        maxConcurrentPercentage: z.int().min(1).max(100).default(25),
        failureTolerancePercentage: z.int().min(0).max(100).default(10),
        regionConcurrency: z.enum(['parallel', 'sequential']).default('parallel'),
      })
      .prefault({}),
    /** Asset buckets are named `<prefix>-<region>`; S3 names are global, so make it yours. */
    assetBucketPrefix: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]*[a-z0-9]$/,
        'must be lowercase letters, digits and hyphens, starting and ending with a letter or digit',
      )
      .max(MAX_ASSET_PREFIX)
      .optional(),
  })
  .superRefine((config, ctx) => {
    const { stackSetsAdmin, modePublisher, modeMap } = config;
    if (
      modePublisher &&
      !stackSetsAdmin.delegatedAdmin &&
      modePublisher.location === 'management' &&
      modePublisher.accountId !== stackSetsAdmin.accountId
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['modePublisher', 'accountId'],
        message: `must be the management account ${stackSetsAdmin.accountId}: stackSetsAdmin.delegatedAdmin is false, so stackSetsAdmin.accountId is the management account`,
      });
    }
    if (modeMap && !modePublisher) {
      ctx.addIssue({
        code: 'custom',
        path: ['modePublisher'],
        message:
          'is required with modeMap: the account (management or delegated-admin) that publishes the mode map',
      });
    }
    if (modeMap && modeMap.region !== ORGANIZATIONS_EVENTS_REGION) {
      ctx.addIssue({
        code: 'custom',
        path: ['modeMap', 'region'],
        message: `must be ${ORGANIZATIONS_EVENTS_REGION}: the bucket lives in the mode publisher's stack, which must run where Organizations delivers its events`,
      });
    }
  })
  .transform((config) => ({
    ...config,
    stackSetsAdmin: {
      ...config.stackSetsAdmin,
      region: config.stackSetsAdmin.region ?? config.central.region,
    },
    assetBucketPrefix:
      config.assetBucketPrefix ?? `sg-guard-assets-${config.stackSetsAdmin.accountId}`,
    modeMap: config.modeMap && {
      ...config.modeMap,
      bucketName: config.modeMap.bucketName ?? `sg-guard-mode-map-${config.organizationId}`,
    },
  }));

/** The validated settings, defaults applied. */
export type SgGuardConfig = z.output<typeof configSchema>;
/** What the JSON file may contain (defaults not yet applied). */
export type SgGuardConfigInput = z.input<typeof configSchema>;
/** A notice action a mailbox can subscribe to. */
export type NoticeActionName = (typeof NOTICE_ACTIONS)[number];

function jsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, index) =>
      typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`,
    )
    .join('');
}

function issuesOf(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      // Name the unknown key itself: a typo is found faster at its own path.
      return { path: jsonPath([...issue.path, issue.keys[0] ?? '']), message: issue.message };
    }
    return { path: jsonPath(issue.path), message: issue.message };
  });
}

/**
 * Validates an already-parsed config document.
 *
 * @param source names the document in error messages (a file path, usually).
 * @throws InvalidConfigError naming every offending field by its JSON path.
 * @example
 * const config = parseConfig(JSON.parse(text), 'sg-guard.config.json');
 */
export function parseConfig(document: unknown, source = 'config'): SgGuardConfig {
  const result = configSchema.safeParse(document);
  if (!result.success) throw new InvalidConfigError(source, issuesOf(result.error));
  return result.data;
}

/**
 * Reads and validates `sg-guard.config.json`.
 *
 * @throws ConfigNotFoundError when the file cannot be read.
 * @throws InvalidConfigError when it is not JSON or does not validate.
 * @example
 * const config = loadConfig(process.env.SG_GUARD_CONFIG ?? DEFAULT_CONFIG_PATH);
 */
export function loadConfig(path: string = DEFAULT_CONFIG_PATH): SgGuardConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigNotFoundError(path, { cause });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw new InvalidConfigError(path, [{ path: '(root)', message: (cause as Error).message }], {
      cause,
    });
  }
  return parseConfig(document, path);
}
