import type { AttributeValue, Span, SpanKind } from '../span';

/*
 * Jaeger's HTTP query API (the one its UI uses: /api/services, /api/traces), as the compose stack runs it.
 * Jaeger trims leading zeros of trace ids and gives times in microseconds; span.kind is a tag.
 */

interface JaegerTag {
  key: string;
  type?: string;
  value: AttributeValue;
}
interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: { refType: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags?: JaegerTag[];
  processID: string;
}
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

const KINDS = new Set<SpanKind>(['internal', 'server', 'client', 'producer', 'consumer']);

export function spansFromJaeger(traces: JaegerTrace[]): Span[] {
  return traces.flatMap((trace) =>
    trace.spans.map((span): Span => {
      const attributes = Object.fromEntries((span.tags ?? []).map((tag) => [tag.key, tag.value]));
      const kind = String(attributes['span.kind'] ?? 'internal') as SpanKind;
      // The parent is the CHILD_OF reference; a span that only FOLLOWS_FROM another is a root of its own.
      const parent = span.references?.find((reference) => reference.refType === 'CHILD_OF');
      return {
        traceId: span.traceID.padStart(32, '0').toLowerCase(),
        spanId: span.spanID.padStart(16, '0').toLowerCase(),
        ...(parent ? { parentId: parent.spanID.padStart(16, '0').toLowerCase() } : {}),
        name: span.operationName,
        kind: KINDS.has(kind) ? kind : 'internal',
        service: trace.processes[span.processID]?.serviceName ?? 'unknown',
        startMs: span.startTime / 1000,
        endMs: (span.startTime + span.duration) / 1000,
        attributes,
      };
    }),
  );
}

export interface JaegerQuery {
  url: string;
  limit: number;
  lookback: string; // 30s, 15m, 1h, 2d
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "15m" → 900000; the API filters by start/end (µs), `lookback` is only the UI's record of the choice. */
export function lookbackMs(lookback: string): number {
  const match = /^(\d+)([smhd])$/.exec(lookback);
  if (!match) throw new Error(`lookback "${lookback}" is not like 15m, 1h or 2d`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** The recent traces of every service Jaeger knows (each trace once, although several services list it). */
export async function fetchJaegerSpans({ url, limit, lookback }: JaegerQuery): Promise<Span[]> {
  const base = url.replace(/\/+$/, '');
  const services = (await getJson<{ data: string[] | null }>(`${base}/api/services`)).data ?? [];
  const end = Date.now();
  const window = { start: String((end - lookbackMs(lookback)) * 1000), end: String(end * 1000) };
  const traces = new Map<string, JaegerTrace>();
  for (const service of services.filter((name) => !name.startsWith('jaeger'))) {
    const query = new URLSearchParams({ service, limit: String(limit), lookback, ...window });
    const answer = await getJson<{ data: JaegerTrace[] | null }>(`${base}/api/traces?${query.toString()}`);
    for (const trace of answer.data ?? []) traces.set(trace.traceID, trace);
  }
  return spansFromJaeger([...traces.values()]);
}
