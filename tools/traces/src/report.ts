import type { OperationBreakdown } from './breakdown';
import type { GatewayView } from './gateway';
import { gatewayMarkdown, gatewayTerminalTable, noTracesNote } from './gateway-report';
import { alignedRows, markdownTable, ms, percent } from './table';

const HEADER = ['stage', 'p50 ms', 'p95 ms', 'mean ms', 'share', 'traces'];

function rowsOf(operation: OperationBreakdown): string[][] {
  return [
    HEADER,
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

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const title = (operation: OperationBreakdown) =>
  `${operation.operation} (${operation.traces} trace${operation.traces === 1 ? '' : 's'})`;

/** The traces' breakdown per operation, then the gateway's view of every request when its log was read. */
export function terminalTable(operations: OperationBreakdown[], gateway?: GatewayView): string {
  const sections = operations.map((operation) =>
    operation.traces === 0
      ? `${operation.operation}: ${noTracesNote(operation.operation, gateway)}`
      : [title(operation), ...alignedRows(rowsOf(operation))].join('\n'),
  );
  if (gateway?.requests) sections.push(gatewayTerminalTable(gateway));
  return sections.join('\n\n');
}

export function markdown(operations: OperationBreakdown[], source: string, gateway?: GatewayView): string {
  const sections = operations.map((operation) =>
    operation.traces === 0
      ? `## ${operation.operation}\n\n${capitalised(noTracesNote(operation.operation, gateway))}.`
      : `## ${title(operation)}\n\n${markdownTable(rowsOf(operation))}`,
  );
  if (gateway?.requests) sections.push(gatewayMarkdown(gateway));
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
