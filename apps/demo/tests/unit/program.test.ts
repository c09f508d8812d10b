import { memoryIo } from '@sg-guard/cli';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDemoCli } from '../../src/program.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('demo program', () => {
  it('exits 1 with the install hint when moto_server is not installed', async () => {
    // Prepare
    vi.stubEnv('MOTO_SERVER', '/nonexistent/moto_server');
    const io = memoryIo();

    // Act
    const code = await runDemoCli([], io);

    // Assess
    expect(code).toBe(1);
    expect(io.stderrText()).toMatch(
      /^sg-guard: the demo needs the AWS emulator: moto_server not found/,
    );
    expect(io.stderrText()).toContain('pip install "moto[server]"');
    expect(io.stdoutText()).toBe('');
  });

  it('says so as JSON under --json', async () => {
    // Prepare
    vi.stubEnv('MOTO_SERVER', '/nonexistent/moto_server');
    const io = memoryIo();

    // Act
    const code = await runDemoCli(['--json'], io);

    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(io.stdoutText()).error).toMatchObject({
      code: 'EMULATOR_UNAVAILABLE',
      hint: expect.stringContaining('moto[server]'),
    });
  });
});
