/** Aligned columns for the terminal: the first column left, the others (numbers) right. */
export function alignedRows(rows: string[][], indent = '  '): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!)))
        .join('  '),
  );
}

/** A Markdown table whose first row is the header; numbers (every column but the first) right-aligned. */
export function markdownTable(rows: string[][]): string {
  const [header, ...body] = rows;
  const rule = header!.map((_, column) => (column === 0 ? '---' : '---:'));
  return [header!, rule, ...body].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

export const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : '-');
export const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
export const count = (value: number) => value.toLocaleString('en-US');
