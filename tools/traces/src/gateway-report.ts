import type { GatewayOperation, GatewayView } from './gateway';
import { alignedRows, count, markdownTable, ms, percent } from './table';

/** nginx logs duration_s to the millisecond: a 0 is an answer in under 1 ms, not a free one. */
const gatewayMs = (value: number) => (value === 0 ? '< 1' : ms(value));

const HEADER = [
  'operation',
  'requests',
  'cached',
  'cache p50 ms',
  'cache p95 ms',
  'upstream p50 ms',
  'upstream p95 ms',
  '5xx',
  '429',
];

const rowOf = (operation: GatewayOperation): string[] => [
  operation.operation,
  count(operation.requests),
  operation.requests ? percent(operation.cache.share) : '-',
  gatewayMs(operation.cache.p50Ms),
  gatewayMs(operation.cache.p95Ms),
  gatewayMs(operation.upstream.p50Ms),
  gatewayMs(operation.upstream.p95Ms),
  operation.requests ? percent(operation.errors.status5xx) : '-',
  operation.requests ? percent(operation.errors.status429) : '-',
];

const title = (view: GatewayView) =>
  `Gateway access log, every request traced or not: ${count(view.requests)} request${view.requests === 1 ? '' : 's'}` +
  (view.from ? `, ${view.from} → ${view.to}` : '');

const LEGEND = [
  'cached = answered from the gateway cache, no service reached; upstream = answered by a service (cache MISS,',
  'BYPASS or an uncached route); times are nginx duration_s, to the millisecond (< 1 = under a millisecond);',
  '5xx and 429 are shares of the requests.',
].join('\n');

export function gatewayTerminalTable(view: GatewayView): string {
  return [title(view), ...alignedRows([HEADER, ...view.operations.map(rowOf)])].join('\n');
}

export function gatewayMarkdown(view: GatewayView): string {
  return [`## ${title(view)}`, '', markdownTable([HEADER, ...view.operations.map(rowOf)]), '', LEGEND].join(
    '\n',
  );
}

/**
 * What to say of an operation without traces: what the gateway saw of it, and how to get traces. A report GET the
 * cache answered reaches no service, so it has no trace to sample.
 */
export function noTracesNote(operation: string, view: GatewayView | undefined): string {
  const seen = view?.operations.find((candidate) => candidate.operation === operation);
  if (!seen) return 'no traces';
  if (seen.requests === 0) return "no traces, and no request of it in the gateway's access log";
  const requests = `${count(seen.requests)} request${seen.requests === 1 ? '' : 's'}`;
  if (seen.cache.requests > 0)
    return (
      `no traces — ${requests}, ${percent(seen.cache.share)} answered by the gateway cache ` +
      `(p50 ${gatewayMs(seen.cache.p50Ms)} ms); GATEWAY_CACHE=off or OTEL_TRACES_SAMPLER_ARG=1 to see the ` +
      "service's share"
    );
  if (seen.upstream.requests > 0)
    return (
      `no traces — ${requests} through the gateway (p50 ${gatewayMs(seen.upstream.p50Ms)} ms); ` +
      'OTEL_TRACES_SAMPLER_ARG=1 to trace every one'
    );
  return `no traces — ${requests}, none of which reached a service (see the gateway table)`;
}
