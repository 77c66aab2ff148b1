import { setTimeout as pauseFor } from 'node:timers/promises';
import {
  LOCK_TTL_MS,
  MAX_WAIT_POLLS,
  WAIT_POLL_MS,
  cacheKeyOf,
  freshness,
  keepForMs,
  newEntry,
} from './cache-policy';
import { rankTop, renderReport } from './ranking';
import type { CacheResult, CachedReport, ReportCache, ReportName, ReportSource, SourceName } from './report';
import { SingleFlight } from './single-flight';

export interface ReportQuery {
  report: ReportName;
  limit: number;
}

export interface ReportAnswer {
  body: string;
  /** MISS only for the request that computed the body; served from the cache (even stale) is a HIT. */
  cache: 'HIT' | 'MISS';
  /** False when caching is off (TTL 0): the answer must not be stored by anyone. */
  cacheable: boolean;
  stale: boolean;
  ageSeconds: number;
  maxAgeSeconds: number;
  dataAsOf: string | null;
  source: SourceName;
}

export interface GetReportDeps {
  source: ReportSource;
  cache: ReportCache;
  /** 0 turns the cache off: every request computes. */
  ttlSeconds: number;
  now: () => number;
  /** Runs every computation from the source; the composition root counts, times and traces it there. */
  instrumentCompute: <T>(report: ReportName, source: SourceName, compute: () => Promise<T>) => Promise<T>;
  /** Told once per answer given: the cache outcome its caller saw (what X-Cache and X-Cache-Status say). */
  onCacheResult: (report: ReportName, result: CacheResult) => void;
  /** Waits between polls for another replica's result; replaceable so tests need no real timers. */
  pause?: (ms: number) => Promise<unknown>;
}

export type GetReport = (query: ReportQuery) => Promise<ReportAnswer>;

interface Outcome {
  entry: CachedReport;
  computedHere: boolean;
}

/**
 * Serves a report through the shared cache with one recompute per expiry across all replicas:
 * in-process callers share one refresh (single-flight), replicas take a short Redis lock, and everyone
 * else serves the previous answer meanwhile. With no previous answer at all, a caller without the lock
 * polls for the holder's result (bounded) instead of adding to the stampede.
 */
export function createGetReport(deps: GetReportDeps): GetReport {
  const { source, cache, now, ttlSeconds } = deps;
  const pause = deps.pause ?? pauseFor;
  const flights = new SingleFlight<Outcome>();

  const compute = ({ report, limit }: ReportQuery): Promise<CachedReport> =>
    deps.instrumentCompute(report, source.name, async () => {
      const snapshot = await source.candidates(report, limit);
      const body = renderReport(report, rankTop(snapshot.candidates, limit));
      return newEntry(body, snapshot.dataAsOf, now(), ttlSeconds);
    });

  const computeAndStore = async (key: string, query: ReportQuery): Promise<Outcome> => {
    const entry = await compute(query);
    await cache.write(key, entry, keepForMs(ttlSeconds));
    return { entry, computedHere: true };
  };

  const awaitOtherReplica = async (key: string): Promise<CachedReport | undefined> => {
    for (let poll = 0; poll < MAX_WAIT_POLLS; poll++) {
      await pause(WAIT_POLL_MS);
      const entry = await cache.read(key);
      if (entry) return entry;
    }
    return undefined;
  };

  const refresh = async (key: string, query: ReportQuery, previous?: CachedReport): Promise<Outcome> => {
    const token = await cache.tryLock(key, LOCK_TTL_MS);
    if (token === undefined) {
      if (previous) return { entry: previous, computedHere: false };
      const theirs = await awaitOtherReplica(key);
      return theirs ? { entry: theirs, computedHere: false } : computeAndStore(key, query);
    }
    try {
      // Another replica may have stored a fresh answer between our read and our lock: do not compute twice.
      const latest = await cache.read(key);
      if (latest && freshness(latest, now()).fresh) return { entry: latest, computedHere: false };
      return await computeAndStore(key, query);
    } finally {
      await cache.unlock(key, token);
    }
  };

  const answer = ({ entry, computedHere }: Outcome, cacheable = true): ReportAnswer => {
    const state = freshness(entry, now());
    return {
      body: entry.body,
      cache: computedHere ? 'MISS' : 'HIT',
      cacheable,
      stale: cacheable && !state.fresh,
      ageSeconds: state.ageSeconds,
      maxAgeSeconds: cacheable ? state.maxAgeSeconds : 0,
      dataAsOf: entry.dataAsOf,
      source: source.name,
    };
  };

  const serve = async (query: ReportQuery): Promise<ReportAnswer> => {
    if (ttlSeconds === 0) return answer({ entry: await compute(query), computedHere: true }, false);
    const key = cacheKeyOf(source.name, query.report, query.limit);
    const cached = await cache.read(key);
    if (cached && freshness(cached, now()).fresh) return answer({ entry: cached, computedHere: false });
    const running = flights.current(key);
    if (running && cached) return answer({ entry: cached, computedHere: false });
    if (running) return answer({ ...(await running), computedHere: false });
    return answer(await flights.run(key, () => refresh(key, query, cached)));
  };

  // Only answers are counted: a request that failed (store down) had no cache outcome to speak of.
  return async (query) => {
    const reply = await serve(query);
    deps.onCacheResult(query.report, cacheResultOf(reply));
    return reply;
  };
}

/** The answer's X-Cache / X-Cache-Status in one word: computed here, served fresh, or served past its TTL. */
export function cacheResultOf(answer: Pick<ReportAnswer, 'cache' | 'stale'>): CacheResult {
  if (answer.cache === 'MISS') return 'miss';
  return answer.stale ? 'stale' : 'hit';
}
