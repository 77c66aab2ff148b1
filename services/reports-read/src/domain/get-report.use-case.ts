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

interface Computed {
  entry: CachedReport;
  /** set when a stand-in source answered (see SourceSnapshot.servedBy) */
  servedBy?: SourceName;
}

interface Outcome extends Computed {
  computedHere: boolean;
}

/**
 * Serves a report through the shared cache with one recompute per expiry across all replicas:
 * in-process callers share one refresh (single-flight), replicas take a short Redis lock, and everyone
 * else serves the previous answer meanwhile. With no previous answer at all, a caller without the lock
 * polls for the holder's result (bounded), and takes the lock itself if the holder let it go without one.
 */
export function createGetReport(deps: GetReportDeps): GetReport {
  const { source, cache, now, ttlSeconds } = deps;
  const pause = deps.pause ?? pauseFor;
  const flights = new SingleFlight<Outcome>();

  const compute = ({ report, limit }: ReportQuery): Promise<Computed> =>
    deps.instrumentCompute(report, source.name, async () => {
      const snapshot = await source.candidates(report, limit);
      const body = renderReport(report, rankTop(snapshot.candidates, limit));
      const entry = newEntry(body, snapshot.dataAsOf, now(), ttlSeconds);
      return snapshot.servedBy === undefined ? { entry } : { entry, servedBy: snapshot.servedBy };
    });

  const computeAndStore = async (key: string, query: ReportQuery): Promise<Outcome> => {
    const computed = await compute(query);
    // A stand-in's answer is right but not the source's: never cached, so the source answers again at once
    // when it is back.
    if (computed.servedBy === undefined) await cache.write(key, computed.entry, keepForMs(ttlSeconds));
    return { ...computed, computedHere: true };
  };

  const computeLocked = async (key: string, query: ReportQuery, token: string): Promise<Outcome> => {
    try {
      // Another replica may have stored a fresh answer between our read and our lock: do not compute twice.
      const latest = await cache.read(key);
      if (latest && freshness(latest, now()).fresh) return { entry: latest, computedHere: false };
      return await computeAndStore(key, query);
    } finally {
      await cache.unlock(key, token);
    }
  };

  const refresh = async (key: string, query: ReportQuery, previous?: CachedReport): Promise<Outcome> => {
    for (let poll = 0; ; poll++) {
      const token = await cache.tryLock(key, LOCK_TTL_MS);
      if (token !== undefined) return computeLocked(key, query, token);
      if (previous) return { entry: previous, computedHere: false };
      // The holder died or is stuck (the lock outlives it by at most its TTL): compute ourselves.
      if (poll >= MAX_WAIT_POLLS) return computeAndStore(key, query);
      await pause(WAIT_POLL_MS);
      const theirs = await cache.read(key);
      if (theirs) return { entry: theirs, computedHere: false };
    }
  };

  const answer = ({ entry, computedHere, servedBy }: Outcome, cacheOn = true): ReportAnswer => {
    const state = freshness(entry, now());
    const cacheable = cacheOn && servedBy === undefined;
    return {
      body: entry.body,
      cache: computedHere ? 'MISS' : 'HIT',
      cacheable,
      stale: cacheable && !state.fresh,
      ageSeconds: state.ageSeconds,
      maxAgeSeconds: cacheable ? state.maxAgeSeconds : 0,
      dataAsOf: entry.dataAsOf,
      source: servedBy ?? source.name,
    };
  };

  const serve = async (query: ReportQuery): Promise<ReportAnswer> => {
    if (ttlSeconds === 0) return answer({ ...(await compute(query)), computedHere: true }, false);
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
