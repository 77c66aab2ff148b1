import type { OperationBreakdown } from './breakdown';

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : '-');
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

const HEADER = ['stage', 'p50 ms', 'p95 ms', 'mean ms', 'share', 'traces'];

function rowsOf(operation: OperationBreakdown): string[][] {
  return [
    ...operation.stages.map((stage) => [
      stage.stage,
      ms(stage.p50Ms),
      ms(stage.p95Ms),
      ms(stage.meanMs),
      percent(stage.share),
      String(stage.traces),
    ]),
    ['total', ms(operation.total.p50Ms), ms(operation.total.p95Ms), ms(operation.total.meanMs), '100 %', ''],
  ];
}

const title = (operation: OperationBreakdown) =>
  operation.traces === 0
    ? `${operation.operation}: no traces`
    : `${operation.operation} (${operation.traces} trace${operation.traces === 1 ? '' : 's'})`;

/** Aligned columns for the terminal: stage names left, numbers right. */
export function terminalTable(operations: OperationBreakdown[]): string {
  return operations
    .map((operation) => {
      if (operation.traces === 0) return title(operation);
      const rows = [HEADER, ...rowsOf(operation)];
      const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
      const line = (row: string[]) =>
        row
          .map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!)))
          .join('  ');
      return [title(operation), ...rows.map((row) => `  ${line(row)}`)].join('\n');
    })
    .join('\n\n');
}

export function markdown(operations: OperationBreakdown[], source: string): string {
  const sections = operations.map((operation) => {
    if (operation.traces === 0) return `## ${operation.operation}\n\nNo traces.`;
    const table = [HEADER, HEADER.map((_, column) => (column === 0 ? '---' : '---:')), ...rowsOf(operation)]
      .map((row) => `| ${row.join(' | ')} |`)
      .join('\n');
    return `## ${title(operation)}\n\n${table}`;
  });
  return [
    '# Where latency builds up',
    '',
    `Source: ${source}. Share = mean of the stage / mean total; p50/p95 per stage over the same traces (0 where a`,
    'stage did not occur), so stage percentiles do not add up to the total percentiles.',
    '',
    sections.join('\n\n'),
    '',
  ].join('\n');
}
