import { createRequire } from 'node:module';
import {
  App,
  CliCredentialsStackSynthesizer,
  DefaultStackSynthesizer,
  Validations,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { SgGuardConfig } from './config.js';
import { assetBucketName, ORGANIZATIONS_EVENTS_REGION, STACK_NAMES } from './naming.js';
import { AssetBucketStack } from './stacks/asset-bucket-stack.js';
import { CentralStack } from './stacks/central-stack.js';
import { ModePublisherStack } from './stacks/mode-publisher-stack.js';
import { RolloutStack } from './stacks/rollout-stack.js';

/**
 * The feature flags `cdk init` would write into cdk.json, set here instead so that tests, which
 * build the app without the CLI, synthesize exactly what `cdk synth` does.
 */
const RECOMMENDED_FLAGS = createRequire(import.meta.url)(
  'aws-cdk-lib/recommended-feature-flags.json',
) as Record<string, unknown>;

/**
 * An App with sg-guard's feature flags (what every sg-guard stack, and every test, is built in).
 *
 * @param outdir cloud assembly directory; the CDK default when omitted.
 */
export function createApp(outdir?: string): App {
  return new App({ outdir, context: RECOMMENDED_FLAGS });
}

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /**
   * Cloud assembly directory.
   * @default - the CDK default (`CDK_OUTDIR` or a temporary directory)
   */
  readonly outdir?: string;
}

/** The stacks of the app, by role. */
export interface SgGuardStacks {
  readonly central: CentralStack;
  /** Present when the config has a `modeMap`. */
  readonly modePublisher?: ModePublisherStack;
  readonly assets: readonly AssetBucketStack[];
  readonly rollout: RolloutStack;
}

/**
 * Builds the whole sg-guard app from a validated config, with cdk-nag's AwsSolutions checks
 * registered: synthesis fails on any finding that is not acknowledged with a reason.
 *
 * @example
 * const { app } = buildApp(loadConfig());
 * app.synth();
 */
export function buildApp(
  config: SgGuardConfig,
  options: BuildAppOptions = {},
): { app: App; stacks: SgGuardStacks } {
  const app = createApp(options.outdir);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  // Stacks without file assets deploy with the caller's credentials and need no `cdk bootstrap`
  // (the security account and the other target regions stay unbootstrapped).
  const direct = () => new CliCredentialsStackSynthesizer();
  const central = new CentralStack(app, STACK_NAMES.central, {
    config,
    env: { account: config.central.accountId, region: config.central.region },
    description: 'sg-guard central: findings topic, key and alarm inbox (security account)',
    synthesizer: direct(),
  });
  const { modeMap, modePublisher: publisherAccount } = config;
  const modePublisher =
    modeMap && publisherAccount
      ? new ModePublisherStack(app, STACK_NAMES.modePublisher, {
          config,
          bucketName: modeMap.bucketName,
          // Organizations delivers its events to us-east-1 only; the config insists on it too.
          env: { account: publisherAccount.accountId, region: ORGANIZATIONS_EVENTS_REGION },
          description: 'sg-guard: the mode map and its publisher (management or delegated admin)',
          // Has a file asset (the publisher's code): deployed with the bootstrap stack of its
          // environment.
          synthesizer: new DefaultStackSynthesizer(),
        })
      : undefined;
  const admin = config.stackSetsAdmin;
  // The rollout stack holds its own region's asset bucket; every other target region gets one.
  const assets = config.targets.regions
    .filter((region) => region !== admin.region)
    .map(
      (region) =>
        new AssetBucketStack(app, STACK_NAMES.assets(region), {
          bucketName: assetBucketName(config, region),
          organizationId: config.organizationId,
          env: { account: admin.accountId, region },
          description: `sg-guard: member stack assets for ${region}`,
          synthesizer: direct(),
        }),
    );
  const rollout = new RolloutStack(app, STACK_NAMES.rollout, {
    config,
    otherAssetBuckets: assets.map((stack) => stack.bucket),
    env: { account: admin.accountId, region: admin.region },
    description: 'sg-guard rollout: the member StackSet and its asset uploads',
    // Uploads the member assets, so it needs the bootstrap stack of its own environment.
    synthesizer: new DefaultStackSynthesizer(),
  });
  for (const stack of assets) rollout.addStackDependency(stack, 'assets must exist first');
  return { app, stacks: { central, modePublisher, assets, rollout } };
}
