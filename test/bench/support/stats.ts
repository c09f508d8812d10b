/**
 * Small statistics and timing helpers for the benchmarks. Every figure is a median of repeated
 * samples, so one slow garbage collection or scheduler hiccup does not move it.
 */

/** The median of the samples (the mean of the two middle ones for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The q-quantile (0…1) by nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new RangeError('quantile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `task` and returns how long it took, in milliseconds, with its result. */
export async function timed<T>(task: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = nowMs();
  const result = await task();
  return { ms: nowMs() - start, result };
}

/** Runs a synchronous `task` and returns how long it took, in milliseconds. */
export function timedSync(task: () => void): number {
  const start = nowMs();
  task();
  return nowMs() - start;
}

/** `value` rounded to `digits` significant digits, as text (`1234567` → `1,230,000`). */
export function significant(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(digits));
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 20 });
}

/** Milliseconds as text: `12.3 ms`, `4.56 s`, `2 min 3 s`. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${significant(ms, 2)} ms`;
  if (ms < 1_000) return `${significant(ms, 3)} ms`;
  if (ms < 120_000) return `${significant(ms / 1_000, 3)} s`;
  if (ms < 2 * 3_600_000) {
    const minutes = Math.floor(ms / 60_000);
    return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1_000)} s`;
  }
  return `${significant(ms / 3_600_000, 3)} h`;
}

/** Bytes as text: `932 kB`, `1.61 MB` (powers of 1000, as esbuild and Lambda report them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${significant(bytes / 1_000)} kB`;
  return `${significant(bytes / 1_000_000)} MB`;
}
