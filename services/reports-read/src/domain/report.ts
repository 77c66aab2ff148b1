import { AppError } from '@store/service-kit/errors';

/** The two reports of the read side and the ports the domain needs; adapters live in data-access. */
export const REPORT_NAMES = ['highest-spenders', 'best-sellers'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export type SourceName = 'projection' | 'mysql';

/** How the cache served one request: MISS (computed for it), HIT while fresh, or HIT past the TTL (stale). */
export type CacheResult = 'hit' | 'miss' | 'stale';

/** A member that may be ranked: a user with the cents they spent, or a product with the units it sold. */
export interface Candidate {
  id: number;
  name: string;
  score: number;
}

export interface SourceSnapshot {
  /** At least the top `limit` members plus every member tied with the last of them, in any order. */
  candidates: Candidate[];
  /** ISO time of the newest event the snapshot includes; null when nothing says (e.g. an empty projection). */
  dataAsOf: string | null;
  /** Set when another source answered for this one (the projection was missing): such an answer is not cached. */
  servedBy?: SourceName;
}

/**
 * The projection has no complete version (never built, lost by Redis, or being rebuilt): answering from it
 * could give partial or zero totals, so it answers nothing; MySQL answers instead, or 503 UNAVAILABLE.
 */
export class ProjectionUnavailableError extends AppError {
  constructor() {
    super('UNAVAILABLE', 'the report projection is being rebuilt; try again shortly');
    this.name = 'ProjectionUnavailableError';
  }
}

/** Where the aggregates are read: the projector's Redis sorted sets or MySQL GROUP BY queries. */
export interface ReportSource {
  readonly name: SourceName;
  candidates(report: ReportName, limit: number): Promise<SourceSnapshot>;
}

/** A rendered answer as it is kept in the shared cache. Times are epoch milliseconds. */
export interface CachedReport {
  body: string;
  computedAt: number;
  expiresAt: number;
  dataAsOf: string | null;
}

/** The shared (cross-replica) cache of rendered answers and its per-entry recompute lock. */
export interface ReportCache {
  read(key: string): Promise<CachedReport | undefined>;
  write(key: string, entry: CachedReport, keepMs: number): Promise<void>;
  /** Resolves to a token when this caller now holds the lock, undefined when someone else does. */
  tryLock(key: string, ttlMs: number): Promise<string | undefined>;
  unlock(key: string, token: string): Promise<void>;
}
