import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { EmulatorUnavailableError } from './errors.js';

/** A running `moto_server` on a loopback port. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: pass as `endpoint` to SDK clients or as `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** Forgets every resource, as a fresh server would (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const INSTALL_HINT =
  'Install the AWS emulator with `pip install "moto[server]"` (Python 3.9+), or run ' +
  '`bash scripts/ensure-python-tools.sh` to put it in ./.venv; or set MOTO_SERVER to its path.';

/**
 * Where `moto_server` is: `$MOTO_SERVER`, then `PATH`, then the repo's `./.venv/bin`.
 * Returns `undefined` when it is nowhere.
 */
export function findMotoServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MOTO_SERVER) return existsSync(env.MOTO_SERVER) ? env.MOTO_SERVER : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'moto_server'))) return join(dir, 'moto_server');
  }
  const venv = join(REPO_ROOT, '.venv', 'bin', 'moto_server');
  return existsSync(venv) ? venv : undefined;
}

/**
 * Starts `moto_server` on a free loopback port and waits until it answers.
 *
 * @example
 * const moto = await startMoto();
 * const ec2 = new EC2Client({ endpoint: moto.endpoint, region: 'eu-west-1', credentials: TEST_CREDENTIALS });
 * await moto.stop();
 */
export async function startMoto(
  options: { readonly timeoutMs?: number } = {},
): Promise<MotoServer> {
  const binary = findMotoServer();
  if (!binary) throw new EmulatorUnavailableError(`moto_server not found. ${INSTALL_HINT}`);
  const child = spawn(binary, ['-H', '127.0.0.1', '-p', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'false' },
  });
  const endpoint = await waitForEndpoint(child, options.timeoutMs ?? 30_000);
  await waitUntilAnswering(endpoint, options.timeoutMs ?? 30_000);
  return {
    endpoint,
    reset: () => resetMoto(endpoint),
    stop: () => stopProcess(child),
  };
}

/**
 * Forgets every resource of the `moto_server` at `endpoint` (`POST /moto-api/reset`): for test
 * workers that only know the endpoint of a server started elsewhere. Assumed-role credentials
 * from before the reset silently act in the management account afterwards: assume again.
 */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok)
    throw new EmulatorUnavailableError(`moto reset failed: HTTP ${response.status}`);
}

function waitForEndpoint(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new EmulatorUnavailableError(
          `moto_server did not start within ${timeoutMs} ms:\n${output}`,
        ),
      );
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        // Keep draining so a chatty server never blocks on a full pipe.
        child.stdout?.resume();
        child.stderr?.resume();
        resolvePromise(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new EmulatorUnavailableError(`moto_server failed to start. ${INSTALL_HINT}`, {
          cause: error,
        }),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new EmulatorUnavailableError(`moto_server exited with code ${code}:\n${output}`));
    });
  });
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new EmulatorUnavailableError(`moto_server at ${endpoint} does not answer`, {
          cause: error,
        });
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}
