// Finds the CloudFormation templates of a synthesized cloud assembly (`infra/cdk.out`): each
// stack's template, plus the StackSet member templates, which cdk-stacksets writes as file
// assets of their parent stack rather than as stacks.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `infra/cdk.out`, where `cdk synth` writes (see cdk.json). */
export const ASSEMBLY_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'cdk.out');

/**
 * @param {string} dir cloud assembly directory
 * @returns {{ name: string, kind: 'stack' | 'stackset member', path: string, bytes: number }[]}
 */
export function listTemplates(dir = ASSEMBLY_DIR) {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) return [];
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const templates = [];
  for (const [name, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      templates.push({ name, kind: 'stack', file: artifact.properties.templateFile });
    }
    if (artifact.type === 'cdk:asset-manifest') {
      const assets = JSON.parse(readFileSync(join(dir, artifact.properties.file), 'utf8'));
      for (const asset of Object.values(assets.files ?? {})) {
        if (asset.source.path?.endsWith('.stackset.template.json')) {
          const file = asset.source.path;
          templates.push({
            name: file.replace(/\.stackset\.template\.json$/, ''),
            kind: 'stackset member',
            file,
          });
        }
      }
    }
  }
  return templates.map(({ file, ...rest }) => {
    const path = join(dir, file);
    return { ...rest, path, bytes: statSync(path).size };
  });
}
