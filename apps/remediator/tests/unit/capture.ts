/**
 * Reads what Powertools writes during a test: JSON log lines (warnings and errors go to stderr)
 * and EMF metric blobs (stdout).
 */
import { vi } from 'vitest';

type Json = Record<string, unknown>;

export interface Captured {
  /** Every JSON line written (log entries and EMF blobs). */
  readonly entries: Json[];
  /** Log entries (not EMF), in order. */
  logs(): Json[];
  /**
   * Sum of each metric over EMF blobs whose dimensions are exactly `dimensions` (the alarms read
   * `service` only).
   */
  metrics(dimensions?: readonly string[]): Record<string, number>;
  restore(): void;
}

export function captureStdout(): Captured {
  const entries: Json[] = [];
  const collect = (chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      entries.push(JSON.parse(line) as Json);
    }
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(collect),
    vi.spyOn(process.stderr, 'write').mockImplementation(collect),
  ];
  const isEmf = (entry: Json) => '_aws' in entry;
  return {
    entries,
    logs: () => entries.filter((entry) => !isEmf(entry)),
    metrics(dimensions = ['service']) {
      const sums: Record<string, number> = {};
      for (const entry of entries.filter(isEmf)) {
        const directive = (
          entry._aws as {
            CloudWatchMetrics: {
              Namespace: string;
              Dimensions: string[][];
              Metrics: { Name: string }[];
            }[];
          }
        ).CloudWatchMetrics[0];
        if (directive?.Namespace !== 'sg-guard') continue;
        if (JSON.stringify(directive.Dimensions[0]) !== JSON.stringify(dimensions)) continue;
        for (const { Name } of directive.Metrics) {
          const value = entry[Name];
          const total = Array.isArray(value) ? value.reduce((a, b) => a + b, 0) : Number(value);
          sums[Name] = (sums[Name] ?? 0) + total;
        }
      }
      return sums;
    },
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
