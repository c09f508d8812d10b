import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  addOptions,
  type OptionTable,
  PLAN_OPTIONS,
  SCOPE_OPTIONS,
  shapeOf,
} from '../../../src/commands/shared.js';

const TABLE = {
  format: {
    flags: '--format <format>',
    description: 'report format',
    schema: z.enum(['table', 'json']),
    choices: ['table', 'json'],
    default: 'table',
  },
  fromFile: {
    flags: '--from-file <file>',
    description: 'the file',
    schema: z.string().min(1),
    required: true,
  },
  concurrency: {
    flags: '--concurrency <n>',
    description: 'at once',
    schema: z.coerce.number().int(),
    default: '8',
  },
} as const satisfies OptionTable;

describe('option tables', () => {
  it('give commander the flags, choices, default and whether the option is required', () => {
    // Act
    const command = addOptions(new Command('x'), TABLE);

    // Assess
    const [format, fromFile, concurrency] = command.options;
    expect(format?.argChoices).toEqual(['table', 'json']);
    expect(format?.defaultValue).toBe('table');
    expect(fromFile?.mandatory).toBe(true);
    expect(concurrency?.defaultValue).toBe('8');
  });

  it('give zod the same default, parsed as if it had been typed', () => {
    // Act
    const parsed = z.object(shapeOf(TABLE)).parse({ fromFile: 'groups.json' });

    // Assess
    expect(parsed).toEqual({ format: 'table', fromFile: 'groups.json', concurrency: 8 });
  });

  it('default the offline plan to the core defaults and the scan to 8 account-regions', () => {
    // Act
    const plan = z.object(shapeOf(PLAN_OPTIONS)).parse({});
    const { concurrency } = z.object({ concurrency: shapeOf(SCOPE_OPTIONS).concurrency }).parse({});

    // Assess
    expect(plan).toEqual({ ports: [22], strategy: 'narrow' });
    expect(concurrency).toBe(8);
  });
});
