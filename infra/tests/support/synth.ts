import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AssetManifestArtifact, type CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp, type SgGuardStacks } from '../../lib/app.js';
import { loadConfig, type SgGuardConfig } from '../../lib/config.js';

/** A JSON CloudFormation template, as written to the cloud assembly. */
export interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  [section: string]: unknown;
}

/** The whole app, synthesized once into a temporary cloud assembly. */
export interface SynthesizedApp {
  readonly config: SgGuardConfig;
  readonly app: App;
  readonly stacks: SgGuardStacks;
  readonly assembly: CloudAssembly;
  /** Every template written: each stack's, and the member's under its file name. */
  readonly templates: ReadonlyMap<string, TemplateJson>;
  /** The member (StackSetStack) template, read from the file the rollout stack uploads. */
  readonly member: {
    readonly file: string;
    readonly json: TemplateJson;
    readonly template: Template;
  };
  /** Removes the temporary assembly. */
  dispose(): void;
}

/**
 * Builds and synthesizes the app (bundling the remediator with esbuild, and running cdk-nag,
 * which fails synthesis on an unacknowledged finding). Slow: call it once per test file.
 */
export function synthesizeApp(config: SgGuardConfig = loadConfig()): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'sg-guard-infra-'));
  const { app, stacks } = buildApp(config, { outdir });
  const assembly = app.synth();

  const templates = new Map<string, TemplateJson>();
  for (const stack of assembly.stacks) templates.set(stack.stackName, stack.template);

  // `Template.fromStack` cannot see a StackSetStack: cdk-stacksets writes its template as a
  // file asset of the parent stack. Find it through the parent's asset manifest.
  const rollout = assembly.getStackByName(stacks.rollout.stackName);
  const manifest = rollout.dependencies.find(AssetManifestArtifact.isAssetManifestArtifact);
  if (!manifest) throw new Error('the rollout stack has no asset manifest');
  const memberFile = Object.values(manifest.contents.files ?? {})
    .map((asset) => asset.source.path)
    .find((path) => path?.endsWith('.stackset.template.json'));
  if (!memberFile) throw new Error('the rollout stack uploads no StackSet template');
  const memberJson = JSON.parse(readFileSync(join(outdir, memberFile), 'utf8')) as TemplateJson;
  templates.set(memberFile, memberJson);

  return {
    config,
    app,
    stacks,
    assembly,
    templates,
    member: { file: memberFile, json: memberJson, template: Template.fromJSON(memberJson) },
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The example config with some fields replaced (for variants of the app). */
export function exampleConfigWith(change: (config: SgGuardConfig) => SgGuardConfig): SgGuardConfig {
  return change(loadConfig());
}
