import { afterAll, beforeAll, beforeEach, vi } from 'vitest';
import { type MotoServer, startMoto } from '../../src/index.js';

/**
 * Starts one `moto_server` for the calling test file and resets it before each test (unless
 * `resetBeforeEach` is false, for files whose tests only read one shared estate). A missing
 * emulator fails the file (startMoto throws); it is never skipped.
 */
export function useMoto(options: { readonly resetBeforeEach?: boolean } = {}): {
  readonly endpoint: string;
} {
  // moto builds each account × region on first use, which takes seconds on a busy machine.
  vi.setConfig({ testTimeout: 30_000 });
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    if (options.resetBeforeEach !== false) await server?.reset();
  });
  return {
    get endpoint() {
      if (!server) throw new Error('moto_server is not running (beforeAll failed)');
      return server.endpoint;
    },
  };
}
