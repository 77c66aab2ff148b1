import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Row = Record<string, string | number>;

/** A markdown table of rows that share their keys. */
export function toTable(rows: Row[]): string {
  const columns = Object.keys(rows[0] ?? {});
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [
    line(columns),
    line(columns.map(() => '---')),
    ...rows.map((row) => line(columns.map((c) => row[c] ?? ''))),
  ].join('\n');
}

/**
 * Every benchmark run leaves `load/results/<name>-<time>.json` (all numbers, the settings) and `.md` (the
 * table), so runs can be compared later; the table is printed too.
 */
export function writeResults(name: string, settings: object, rows: Row[], details: object = {}): string {
  const dir = join(__dirname, '../../results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const base = join(dir, `${name}-${stamp}`);
  const table = toTable(rows);
  writeFileSync(
    `${base}.json`,
    JSON.stringify({ name, at: new Date().toISOString(), settings, rows, details }, null, 2),
  );
  writeFileSync(`${base}.md`, `# ${name}\n\nSettings: \`${JSON.stringify(settings)}\`\n\n${table}\n`);
  process.stdout.write(`${table}\n\nresults: ${base}.json and .md\n`);
  return base;
}
