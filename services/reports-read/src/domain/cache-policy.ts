import type { CachedReport, ReportName, SourceName } from './report';

/** How long a recompute may hold the cross-replica lock before another replica may take over. */
export const LOCK_TTL_MS = 5_000;
/** A replica with no previous answer polls this often for the lock holder's result... */
export const WAIT_POLL_MS = 25;
/** ...this many times (the lock's lifetime), then computes itself: the holder died or is stuck. */
export const MAX_WAIT_POLLS = Math.ceil(LOCK_TTL_MS / WAIT_POLL_MS);
/** The previous answer outlives its TTL by this much so it can be served while a recompute runs. */
export const MIN_STALE_GRACE_MS = 60_000;

/** One cache entry per source, report and limit: each limit renders a different body. */
export const cacheKeyOf = (source: SourceName, report: ReportName, limit: number): string =>
  `${source}:${report}:${limit}`;

export function newEntry(
  body: string,
  dataAsOf: string | null,
  now: number,
  ttlSeconds: number,
): CachedReport {
  return { body, computedAt: now, expiresAt: now + ttlSeconds * 1000, dataAsOf };
}

/** Physical lifetime in Redis: 10× the TTL, and at least the TTL plus a minute. */
export function keepForMs(ttlSeconds: number): number {
  const ttlMs = ttlSeconds * 1000;
  return Math.max(ttlMs * 10, ttlMs + MIN_STALE_GRACE_MS);
}

export interface Freshness {
  fresh: boolean;
  /** Whole seconds since the answer was computed (the HTTP Age header). */
  ageSeconds: number;
  /**
   * Whole seconds the answer stays fresh (Cache-Control max-age), rounded DOWN: the gateway counts max-age from
   * when it receives the answer (it ignores Age), so rounding up would let it serve the answer up to a second past
   * the service's own TTL, and freshness through the gateway would overshoot TTL + lag. 0 once expired.
   */
  maxAgeSeconds: number;
}

export function freshness(entry: CachedReport, now: number): Freshness {
  return {
    fresh: now < entry.expiresAt,
    ageSeconds: Math.max(0, Math.floor((now - entry.computedAt) / 1000)),
    maxAgeSeconds: Math.max(0, Math.floor((entry.expiresAt - now) / 1000)),
  };
}
