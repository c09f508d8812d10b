/**
 * The one results table of `pnpm bench`: each benchmark returns rows, the runner prints them as
 * text and writes them as Markdown for `docs/benchmarks.md`.
 */

/** One line of the results table. */
export interface BenchRow {
  /** What is measured, e.g. `time to fix (warm, handler / floor)`. */
  readonly metric: string;
  /** The measured figure, formatted with its unit. */
  readonly value: string;
  /** The floor or baseline measured in the same run, formatted; `—` when there is none. */
  readonly baseline: string;
  /** `value / baseline` (or the figure the target is about), formatted; `—` when none. */
  readonly ratio: string;
  /** The target, e.g. `≤ 1.3×`; `—` for figures reported for reference only. */
  readonly target: string;
  /** `true` met, `false` missed, `undefined` for reference figures. */
  readonly pass?: boolean;
}

/** What one benchmark hands back to the runner. */
export interface BenchOutcome {
  readonly rows: readonly BenchRow[];
  /** Raw figures (milliseconds, counts…) by name, for the JSON output and the extrapolation. */
  readonly figures: Readonly<Record<string, number>>;
  /** Sentences the runner prints under the table (e.g. calls by name). */
  readonly notes: readonly string[];
  /** Raw timings behind some figures (milliseconds, in run order), for the JSON output. */
  readonly samples?: Readonly<Record<string, readonly number[]>>;
}

/** A reference row: no target, no verdict. */
export function infoRow(metric: string, value: string, baseline = '—', ratio = '—'): BenchRow {
  return { metric, value, baseline, ratio, target: '—' };
}

function verdict(row: BenchRow): string {
  if (row.pass === undefined) return '';
  return row.pass ? 'pass' : 'FAIL';
}

const HEADER = ['metric', 'value', 'baseline', 'ratio', 'target', 'result'] as const;

function cells(row: BenchRow): string[] {
  return [row.metric, row.value, row.baseline, row.ratio, row.target, verdict(row)];
}

/** The rows as an aligned plain-text table for the terminal. */
export function textTable(rows: readonly BenchRow[]): string {
  const lines = [[...HEADER], ...rows.map(cells)];
  const widths = HEADER.map((_, column) =>
    Math.max(...lines.map((line) => (line[column] as string).length)),
  );
  const format = (line: readonly string[]) =>
    line
      .map((cell, column) => cell.padEnd(widths[column] as number))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [format(lines[0] as string[]), rule, ...lines.slice(1).map(format)].join('\n');
}

function escapeCell(cell: string): string {
  return cell.replaceAll('|', '\\|');
}

/**
 * The rows as a GitHub Markdown table (`result` in bold when a target is missed), with columns
 * padded as Biome formats Markdown, so it can be pasted into `docs/benchmarks.md` as it is.
 */
export function markdownTable(rows: readonly BenchRow[]): string {
  const body = rows.map((row) => {
    const values = cells(row).map(escapeCell);
    if (row.pass === false) values[5] = '**FAIL**';
    return values;
  });
  const lines = [[...HEADER], ...body];
  const widths = HEADER.map((_, column) =>
    Math.max(3, ...lines.map((line) => (line[column] as string).length)),
  );
  const line = (values: readonly string[]) =>
    `| ${values.map((cell, column) => cell.padEnd(widths[column] as number)).join(' | ')} |`;
  const rule = `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
  return [line(HEADER), rule, ...body.map(line)].join('\n');
}
