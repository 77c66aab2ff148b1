import type { GatewayRequest } from '../span';

interface GatewayLine {
  request_id?: string;
  method?: string;
  uri?: string;
  status?: number | string;
  duration_s?: number | string;
  upstream_s?: number | string;
  trace_id?: string;
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

/** One line of `log_format gateway`; undefined for lines that are not JSON or carry no trace id. */
export function parseGatewayLine(line: string): GatewayRequest | undefined {
  if (!line.trim()) return undefined;
  let parsed: GatewayLine;
  try {
    parsed = JSON.parse(line) as GatewayLine;
  } catch {
    return undefined;
  }
  const traceId = (parsed.trace_id ?? '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(traceId)) return undefined;
  const upstream = upstreamMs(parsed.upstream_s);
  return {
    traceId,
    requestId: parsed.request_id ?? '',
    method: parsed.method ?? '',
    uri: parsed.uri ?? '',
    status: Number(parsed.status),
    durationMs: Number(parsed.duration_s) * 1000,
    ...(upstream === undefined ? {} : { upstreamMs: upstream }),
  };
}
