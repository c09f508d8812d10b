/**
 * Ports whose adapter (and its SDK client) is imported on first use rather than at cold start:
 * the remediator loads only what its first describe needs before Lambda calls the handler, and
 * the rest while that describe is in flight.
 */

/** An object whose every member is an async method (the core's ports). */
type AsyncPort<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/** A port that loads itself on first use, and can be told to start loading early. */
export interface Deferred<T> {
  /** Forwards every call to the loaded adapter, loading it first when needed. */
  readonly port: T;
  /**
   * Starts loading now; resolves when loaded, or failed (never rejects: a failure is retried
   * by the next call).
   */
  preload(): Promise<void>;
}

/**
 * Wraps `load` as a port of type `T`. `methods` names every method of the port (the compiler
 * checks that none is missing); a load that fails is tried again on the next call.
 *
 * @example
 * const ledger = deferredPort<RemediationLedger>({ begin: true, … }, async () =>
 *   new (await import('./first-use.js')).DynamoDbLedger({ … }));
 * await ledger.port.getHead('sg-1'); // imports the adapter, then calls it
 */
export function deferredPort<T extends AsyncPort<T>>(
  methods: Record<keyof T, true>,
  load: () => Promise<T>,
): Deferred<T> {
  let loading: Promise<T> | undefined;
  const loaded = (): Promise<T> => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  const port: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const name of Object.keys(methods) as (keyof T & string)[]) {
    port[name] = async (...args: never[]) => {
      const adapter = await loaded();
      return (adapter[name] as (...args: never[]) => Promise<unknown>).apply(adapter, args);
    };
  }
  return {
    port: port as unknown as T,
    preload: () =>
      loaded().then(
        () => undefined,
        () => undefined,
      ),
  };
}
