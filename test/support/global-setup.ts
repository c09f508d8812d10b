import { startMoto } from '@sg-guard/emulator';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the run's `moto_server`. */
    motoEndpoint: string;
  }
}

/**
 * Starts the run's one `moto_server` and hands its endpoint to the test files. A missing
 * emulator throws `EmulatorUnavailableError` here, which fails the run: never a skip.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const moto = await startMoto({ timeoutMs: 60_000 });
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
