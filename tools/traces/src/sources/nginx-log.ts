import type { GatewayRequest } from '../span';

interface GatewayLine {
  time?: string;
  request_id?: string;
  method?: string;
  uri?: string;
  status?: number | string;
  duration_s?: number | string;
  upstream?: string;
  upstream_s?: number | string;
  cache?: string;
  trace_id?: string;
}

/** One line of the gateway's JSON access log (nginx.conf `log_format gateway`), traced or not. */
export interface AccessLogEntry {
  time: string;
  requestId: string;
  /** 32 lowercase hex; undefined when nginx saw no traceparent (an untraced request or a cache answer). */
  traceId?: string;
  method: string;
  /** uri without its query string: what routes are matched on. */
  path: string;
  uri: string;
  status: number;
  durationMs: number;
  /** Sum of the upstream attempts; undefined when no upstream answered. */
  upstreamMs?: number;
  /** An upstream was tried ($upstream_addr set); false for cache answers and nginx's own answers (429, 404). */
  reachedUpstream: boolean;
  /** $upstream_cache_status (HIT, MISS, STALE, BYPASS, UPDATING, EXPIRED), '' outside the cached location. */
  cache: string;
}

/** "0.003, 0.002" (a retry: one time per attempt) → 5 ms; "-" or empty (no upstream answered) → undefined. */
export function upstreamMs(value: number | string | undefined): number | undefined {
  if (typeof value === 'number') return value * 1000;
  const times = (value ?? '')
    .split(/[,:]/)
    .map((part) => Number.parseFloat(part.trim()))
    .filter((time) => Number.isFinite(time));
  return times.length ? times.reduce((sum, time) => sum + time, 0) * 1000 : undefined;
}

const noValue = (value: string | undefined) => !value || value === '-';

/** Any line of the access log; undefined only for blank lines and lines that are not a JSON object. */
export function parseAccessLine(line: string): AccessLogEntry | undefined {
  if (!line.trim()) return undefined;
  let parsed: GatewayLine;
  try {
    parsed = JSON.parse(line) as GatewayLine;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const traceId = (parsed.trace_id ?? '').toLowerCase();
  const uri = parsed.uri ?? '';
  const upstream = upstreamMs(parsed.upstream_s);
  return {
    time: parsed.time ?? '',
    requestId: parsed.request_id ?? '',
    ...(/^[0-9a-f]{32}$/.test(traceId) ? { traceId } : {}),
    method: parsed.method ?? '',
    path: uri.split('?')[0]!,
    uri,
    status: Number(parsed.status),
    durationMs: Number(parsed.duration_s) * 1000,
    ...(upstream === undefined ? {} : { upstreamMs: upstream }),
    // Older lines have no upstream address: an upstream time says the same.
    reachedUpstream: !noValue(parsed.upstream) || upstream !== undefined,
    cache: noValue(parsed.cache) ? '' : parsed.cache!.toUpperCase(),
  };
}

/** The part of a traced line that joins the gateway's time to its trace; undefined without a trace id. */
export function tracedRequest(entry: AccessLogEntry | undefined): GatewayRequest | undefined {
  if (!entry?.traceId) return undefined;
  return {
    traceId: entry.traceId,
    requestId: entry.requestId,
    method: entry.method,
    uri: entry.uri,
    status: entry.status,
    durationMs: entry.durationMs,
    ...(entry.upstreamMs === undefined ? {} : { upstreamMs: entry.upstreamMs }),
  };
}

/** One line with a trace id, as the trace join needs it; undefined for lines without one or not JSON. */
export const parseGatewayLine = (line: string): GatewayRequest | undefined =>
  tracedRequest(parseAccessLine(line));
