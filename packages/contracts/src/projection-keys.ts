/*
 * Redis layout of the report projection and of reports-read's cache: every key name the projector (writer),
 * reports-read (reader) and the tools use is built here.
 *
 * One hash slot for the whole projection. Every projection key (pointer, rebuild marker and lock, every
 * version's data and dedup keys) carries the hash tag {projection}, so on Redis Cluster they all live in one
 * slot, and the scripts that need atomicity can run there: the projector applies a batch to the live version
 * AND to the version being rebuilt in one call, and a reader checks the pointer and reads the live version in
 * one call (a rebuild can never switch versions and delete the old one between the two). Report cache entries
 * and their locks are used one key at a time, so they hash by their own names and spread over the cluster.
 *
 * A version is complete only once a rebuild made it live: the same script sets the pointer and the version's
 * `completed_at`. No pointer, or a live version without `completed_at`, means there is no usable projection
 * (never built, or Redis lost it): readers must not answer from it, and the projector rebuilds it from the log.
 * Before the first rebuild, and after a loss, live events still go to version 1 (the "scratch" version the
 * pointer defaults to), which no reader uses; rebuilds start at live + 1, so the pointer never names 1.
 */
export const DEFAULT_KEY_PREFIX = 'store:';

export const PROJECTION_HASH_TAG = '{projection}';

/** The version live events go to while no rebuild has switched the pointer; never complete, never read. */
export const SCRATCH_VERSION = 1;

const base = (prefix: string): string => `${prefix}${PROJECTION_HASH_TAG}`;

/** The keys that say which version is live and which one is being built. `prefix` is REDIS_KEY_PREFIX. */
export const projectionControlKeys = (prefix = DEFAULT_KEY_PREFIX) => ({
  /** string: the live version number; absent before the first rebuild and after Redis lost everything */
  pointer: `${base(prefix)}:live`,
  /** string `<version>:<token>`: the version a rebuild is filling (its token makes every rebuild distinct) */
  rebuildMarker: `${base(prefix)}:rebuilding`,
  /** string: the running rebuild's token, with a TTL the rebuild keeps extending (one rebuild at a time) */
  rebuildLock: `${base(prefix)}:rebuild-lock`,
});

export type ProjectionControlKeys = ReturnType<typeof projectionControlKeys>;

/** The key that holds the live version number. */
export const versionPointerKey = (prefix = DEFAULT_KEY_PREFIX): string =>
  projectionControlKeys(prefix).pointer;

export const projectionKeys = (version: number, prefix = DEFAULT_KEY_PREFIX) => {
  const of = `${base(prefix)}:v${version}:`;
  return {
    /** sorted set: member user_id, score total spent in cents */
    spenders: `${of}spenders`,
    /** sorted set: member product_id, score units sold */
    bestSellers: `${of}best_sellers`,
    /** hash: user_id → name */
    userNames: `${of}user_names`,
    /** hash: product_id → name */
    productNames: `${of}product_names`,
    /** hash: the PROJECTION_META fields */
    meta: `${of}meta`,
    /** prefix of the per-event dedup keys: <prefix><event_id> (value: epoch ms the event was applied) */
    appliedEventPrefix: `${of}applied:`,
    /** what every key of this version starts with (to delete a version by SCAN) */
    everyKeyPrefix: of,
  };
};

export type ProjectionKeys = ReturnType<typeof projectionKeys>;

/** Fields of a version's meta hash. */
export const PROJECTION_META = {
  /** count of events applied to this version */
  appliedEvents: 'applied_events',
  /** ISO time of the newest applied event */
  dataAsOf: 'data_as_of',
  /** highest outbox sequence applied */
  maxSequence: 'max_sequence',
  /** ISO time the version went live; present only on a complete version */
  completedAt: 'completed_at',
} as const;

/** A rendered report in reports-read's cache; `key` names source, report and limit. */
export const reportCacheKey = (key: string, prefix = DEFAULT_KEY_PREFIX): string =>
  `${prefix}report-cache:${key}`;

/** The recompute lock of one cache entry (one replica recomputes at a time). */
export const reportCacheLockKey = (key: string, prefix = DEFAULT_KEY_PREFIX): string =>
  `${reportCacheKey(key, prefix)}:lock`;
