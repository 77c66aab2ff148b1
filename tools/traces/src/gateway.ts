import { percentile } from './breakdown';
import type { AccessLogEntry } from './sources/nginx-log';
import { HTTP_OPERATIONS } from './trace-samples';

/*
 * The gateway's view, from its access log alone: every request, traced or not. With the report cache on, nginx
 * answers most report GETs itself; they reach no service, so they leave no trace, and only this view shows them.
 */

export const OTHER_ROUTES = 'other';

/** Cache statuses nginx answers from its cache with; with no upstream tried, the answer came from the cache. */
const CACHE_ANSWERS = new Set(['HIT', 'STALE', 'UPDATING']);

export interface AnswerSummary {
  requests: number;
  /** of the operation's requests */
  share: number;
  /** duration_s as nginx logs it, to the millisecond: 0 means under 1 ms */
  p50Ms: number;
  p95Ms: number;
}

export interface GatewayOperation {
  operation: string;
  requests: number;
  /** answered from the gateway cache, no upstream tried */
  cache: AnswerSummary;
  /** answered by an upstream (a cache MISS/EXPIRED/BYPASS, or an uncached route) */
  upstream: AnswerSummary;
  /** answered by nginx itself, neither cache nor upstream: its rate limit, its own 404s, the health check */
  gatewayOnly: number;
  /** shares of the operation's requests */
  errors: { status5xx: number; status429: number };
}

export interface GatewayView {
  requests: number;
  /** time of the first and last line read */
  from?: string;
  to?: string;
  operations: GatewayOperation[];
}

const operationOf = (entry: AccessLogEntry): string => {
  const route = `${entry.method} ${entry.path}`;
  return (HTTP_OPERATIONS as readonly string[]).includes(route) ? route : OTHER_ROUTES;
};

const isCacheAnswer = (entry: AccessLogEntry) => !entry.reachedUpstream && CACHE_ANSWERS.has(entry.cache);

const shareOf = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0;
const round = (ms: number) => Math.round(ms * 1000) / 1000;

function answers(entries: AccessLogEntry[], total: number): AnswerSummary {
  const sorted = entries.map((entry) => entry.durationMs).sort((a, b) => a - b);
  return {
    requests: entries.length,
    share: shareOf(entries.length, total),
    p50Ms: round(percentile(sorted, 0.5)),
    p95Ms: round(percentile(sorted, 0.95)),
  };
}

export function summariseRoute(operation: string, entries: AccessLogEntry[]): GatewayOperation {
  const cache = entries.filter(isCacheAnswer);
  const upstream = entries.filter((entry) => entry.reachedUpstream);
  const count = (test: (status: number) => boolean) => entries.filter((entry) => test(entry.status)).length;
  return {
    operation,
    requests: entries.length,
    cache: answers(cache, entries.length),
    upstream: answers(upstream, entries.length),
    gatewayOnly: entries.length - cache.length - upstream.length,
    errors: {
      status5xx: shareOf(
        count((status) => status >= 500),
        entries.length,
      ),
      status429: shareOf(
        count((status) => status === 429),
        entries.length,
      ),
    },
  };
}

/** Per operation (the traced HTTP operations, always listed), then every other route as one line if any. */
export function gatewayView(entries: AccessLogEntry[]): GatewayView {
  const byOperation = new Map<string, AccessLogEntry[]>();
  for (const entry of entries) {
    const operation = operationOf(entry);
    const list = byOperation.get(operation);
    if (list) list.push(entry);
    else byOperation.set(operation, [entry]);
  }
  const operations = [...HTTP_OPERATIONS, OTHER_ROUTES]
    .filter((operation) => operation !== OTHER_ROUTES || byOperation.has(operation))
    .map((operation) => summariseRoute(operation, byOperation.get(operation) ?? []));
  return {
    requests: entries.length,
    ...(entries.length ? { from: entries[0]!.time, to: entries.at(-1)!.time } : {}),
    operations,
  };
}

/** Whether the log shows any request of the operations this tool is about (the health check alone does not). */
export const hasOperationRequests = (view: GatewayView): boolean =>
  view.operations.some((operation) => operation.operation !== OTHER_ROUTES && operation.requests > 0);
