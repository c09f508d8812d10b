/**
 * Plain-text tables: columns padded to their widest cell, a cell may hold several lines, and the
 * last column is never padded (no trailing spaces). With `gap`, a blank line separates rows, so
 * rows of several lines stay apart.
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: { readonly gap?: boolean } = {},
): string {
  const split = [header, ...rows].map((row) => row.map((cell) => cell.split('\n')));
  const widths = header.map((_, column) =>
    Math.max(...split.map((row) => Math.max(...(row[column] ?? ['']).map((line) => line.length)))),
  );
  const lines: string[] = [];
  for (const [index, row] of split.entries()) {
    if (options.gap && index > 1) lines.push('');
    const height = Math.max(...row.map((cell) => cell.length));
    for (let line = 0; line < height; line += 1) {
      const cells = row.map((cell, column) => {
        const text = cell[line] ?? '';
        return column === row.length - 1 ? text : text.padEnd(widths[column] ?? 0);
      });
      lines.push(cells.join('  ').trimEnd());
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document with a header line; lines end in CRLF as RFC 4180 says. */
export function renderCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | undefined)[])[],
): string {
  return [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** A Markdown table; pipes are escaped and line breaks become `<br>`. */
export function renderMarkdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', '<br>');
  const line = (row: readonly string[]) => `| ${row.map(cell).join(' | ')} |`;
  return `${[line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')}\n`;
}
