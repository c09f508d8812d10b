/**
 * A per-key cache of in-flight and settled reads, each kept for a TTL: the policy readers ask
 * AWS once per key and TTL however many callers want the answer at the same time.
 */

/**
 * Reads cached per key for `ttlMs`. Concurrent callers of one key share its one read; a read that
 * fails is forgotten at once (unless a newer read replaced it), so the next caller tries again.
 *
 * @example
 * const policies = new TtlCache<AccountPolicy>(300_000, Date.now);
 * const policy = await policies.get(accountId, () => readPolicy(accountId));
 */
export class TtlCache<T> {
  private readonly entries = new Map<
    string,
    { readonly value: Promise<T>; readonly expiresAt: number }
  >();

  /**
   * @param ttlMs How long one key's read is reused, from when it started.
   * @param now Clock in epoch milliseconds.
   */
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The key's cached read while it is fresh, else `load()`'s, cached from now. */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    const value = load();
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
