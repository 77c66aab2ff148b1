import { Pool } from 'undici';
import { summarize, type LatencySummary } from './stats';

export interface LoadOptions {
  url: string;
  path: string;
  /** GET by default; a POST sends `body` as JSON (a function gives each request its own). */
  method?: 'GET' | 'POST';
  body?: () => unknown;
  connections: number;
  durationMs: number;
  /** A header whose values are counted (e.g. X-Cache or X-Gateway-Cache). */
  countHeader?: string;
  /** Called every `progressEveryMs` (default 1 s) while the load runs, e.g. to print the rate so far. */
  onProgress?: (progress: LoadProgress) => void;
  progressEveryMs?: number;
}

export interface LoadProgress {
  elapsedMs: number;
  requests: number;
  statuses: Record<string, number>;
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  elapsedSeconds: number;
  latencyMs: LatencySummary;
  statuses: Record<string, number>;
  headerValues: Record<string, number>;
  errors: number;
}

function request(options: LoadOptions) {
  if (!options.body) return { method: options.method ?? 'GET', path: options.path };
  return {
    method: options.method ?? 'POST',
    path: options.path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(options.body()),
  };
}

/**
 * Closed-loop load: `connections` clients on one keep-alive pool, each sending its next request when the previous
 * answered, for a bounded time. Only loopback targets are meant (benchmarks of the local stack).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.url, { connections: options.connections, pipelining: 1 });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const headerValues: Record<string, number> = {};
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const response = await pool.request(request(options));
        await response.body.dump();
        latencies.push(performance.now() - sent);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        if (options.countHeader) {
          const value = String(response.headers[options.countHeader.toLowerCase()] ?? '(none)');
          headerValues[value] = (headerValues[value] ?? 0) + 1;
        }
      } catch {
        errors++;
      }
    }
  };
  const progress =
    options.onProgress &&
    setInterval(() => {
      const elapsedMs = performance.now() - started;
      options.onProgress?.({ elapsedMs, requests: latencies.length, statuses: { ...statuses } });
    }, options.progressEveryMs ?? 1000);
  await Promise.all(Array.from({ length: options.connections }, client));
  clearInterval(progress);
  const elapsedSeconds = (performance.now() - started) / 1000;
  await pool.close();
  return {
    requests: latencies.length,
    perSecond: latencies.length / elapsedSeconds,
    elapsedSeconds,
    latencyMs: summarize(latencies),
    statuses,
    headerValues,
    errors,
  };
}
