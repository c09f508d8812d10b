/**
 * When a cold container loads what its first describe does not need (the mode map's S3 client,
 * the ledger's and the notices' clients, Powertools).
 *
 * Node compiles a module on its main thread. A load that starts while the describe is still on
 * its way out (credentials, connect, TLS, write) holds that request back until the load is done,
 * so the round trip follows the load instead of overlapping it (measured through a proxy adding
 * 50 ms per call: a cold remediation's describes were written only once its chunks had loaded,
 * together with the mode map's GetObject).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/** Node's channel for every `http`/`https` client request (the SDK's `NodeHttpHandler`). */
const REQUEST_START = 'http.client.request.start';

/**
 * How long an armed gate waits for a request at most. A cold container took 60–70 ms of CPU here
 * to prepare and write its first describes (the SDK's first call), so a slower function still
 * gets them out first; what sends nothing (an event rejected before any call, a call that fails
 * before it is sent) loads that much later, never not at all.
 */
export const GATE_FALLBACK_MS = 250;

/**
 * Holds deferred loads until the requests in flight are written. Armed once, at a container's
 * first invocation: from then on the gate stays shut until every HTTP request started since has
 * been written to its socket (its `finish`, or its `close` if it failed first), or
 * {@link GATE_FALLBACK_MS} at most. Requests started together (the group's two describes) are
 * all waited for. Not armed, it is open.
 *
 * @example
 * const gate = new LoadGate();
 * const ledger = deferredPort(LEDGER_METHODS, () => gate.after(loadLedger));
 * gate.arm(); // at the first invocation, before its first call
 */
export class LoadGate {
  private opened: Promise<void> = Promise.resolve();
  private armed = false;

  /** Shuts the gate until the requests started from now on are written (only the first call). */
  arm(fallbackMs: number = GATE_FALLBACK_MS): void {
    if (this.armed) return;
    this.armed = true;
    this.opened = new Promise<void>((open) => {
      let unwritten = 0;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        unsubscribe(REQUEST_START, onStart);
        clearTimeout(fallback);
        open();
      };
      const onStart = (message: unknown) => {
        const { request } = message as { request: ClientRequest };
        unwritten += 1;
        let counted = false;
        const written = () => {
          if (counted) return;
          counted = true;
          unwritten -= 1;
          // A request started in the same turn is waited for too.
          if (unwritten === 0) setImmediate(() => unwritten === 0 && finish());
        };
        request.once('finish', written);
        request.once('close', written);
      };
      subscribe(REQUEST_START, onStart);
      const fallback = setTimeout(finish, fallbackMs);
    });
  }

  /** Runs `load` once the gate is open (at once when it is not armed). */
  async after<T>(load: () => Promise<T>): Promise<T> {
    await this.opened;
    return load();
  }
}
