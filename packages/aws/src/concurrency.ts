/**
 * Bounded concurrency: the one limiter of the repository (the Organizations walk, the mode
 * publisher's S3 writes, the CLI's account-regions).
 */

/** Runs a task under a {@link createLimiter} limit; resolves or rejects as the task does. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * At most `limit` calls of the returned function run at once; the rest wait in the order they
 * came. A task that throws frees its slot like one that returns.
 *
 * @example
 * const limit = createLimiter(4);
 * const pages = await Promise.all(ids.map((id) => limit(() => client.send(command(id)))));
 */
export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`a concurrency limit is a whole number ≥ 1, got ${limit}`);
  }
  let running = 0;
  const waiting: (() => void)[] = [];
  // A finishing task hands its slot straight to the next waiter, so `running` never overshoots.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
