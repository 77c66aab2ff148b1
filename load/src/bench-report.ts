import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toTable, type Row } from './results';

export interface Section {
  title: string;
  rows: Row[];
}

/**
 * A bench run with several tables: load/results/<name>-<time>.json (settings, every figure) and .md (the tables),
 * the tables printed too. The single-table benches use results.ts's writeResults.
 */
export function writeReport(name: string, settings: object, sections: Section[], details: object): string {
  const dir = join(__dirname, '../../results');
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const base = join(dir, `${name}-${at.replace(/[:.]/g, '-')}`);
  const tables = sections
    .filter((section) => section.rows.length > 0)
    .map((section) => `## ${section.title}\n\n${toTable(section.rows)}\n`)
    .join('\n');
  writeFileSync(`${base}.json`, JSON.stringify({ name, at, settings, sections, details }, null, 2));
  writeFileSync(`${base}.md`, `# ${name}\n\nSettings: \`${JSON.stringify(settings)}\`\n\n${tables}`);
  process.stdout.write(`\n${tables}\nresults: ${base}.json and .md\n`);
  return base;
}
