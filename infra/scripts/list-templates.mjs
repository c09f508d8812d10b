// Prints every template `cdk synth` wrote (stacks and StackSet member templates) with its size.
import { relative } from 'node:path';
import { listTemplates } from './cloud-assembly.mjs';

const templates = listTemplates();
if (templates.length === 0) {
  console.error('list-templates: no templates in infra/cdk.out; did `cdk synth` run?');
  process.exit(1);
}
const width = Math.max(...templates.map((t) => t.name.length));
console.log(`Synthesized ${templates.length} templates:`);
for (const t of templates) {
  const size = `${(t.bytes / 1024).toFixed(1)} KiB`.padStart(10);
  console.log(
    `  ${t.name.padEnd(width)}  ${t.kind.padEnd(15)} ${size}  ${relative(process.cwd(), t.path)}`,
  );
}
