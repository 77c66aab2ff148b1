/**
 * The one span shape the breakdown works on, whatever the source (OTLP/JSON lines from the local sink, or Jaeger's
 * query API). Times are unix milliseconds with microsecond precision: enough for stages of a few microseconds and
 * still exact in a double (unix nanoseconds are not).
 */
export type SpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export type AttributeValue = string | number | boolean;

export interface Span {
  traceId: string; // 32 lowercase hex
  spanId: string; // 16 lowercase hex
  parentId?: string;
  name: string;
  kind: SpanKind;
  service: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue>;
  /** Spans of other traces this one is linked to (a batch serving several requests or messages). */
  links?: { traceId: string; spanId: string }[];
}

/** The JSON access log of the gateway (nginx.conf `log_format gateway`), one request per line. */
export interface GatewayRequest {
  traceId: string;
  requestId: string;
  method: string;
  uri: string;
  status: number;
  durationMs: number;
  /** Sum of the upstream attempts (several after a retry); undefined when no upstream answered ("-"). */
  upstreamMs?: number;
}

export const durationOf = (span: Span): number => span.endMs - span.startMs;

/** Groups spans by trace id. */
export function byTrace(spans: Iterable<Span>): Map<string, Span[]> {
  const traces = new Map<string, Span[]>();
  for (const span of spans) {
    const list = traces.get(span.traceId);
    if (list) list.push(span);
    else traces.set(span.traceId, [span]);
  }
  return traces;
}
