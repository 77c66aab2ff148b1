/*
 * Redis layout of the report projection, shared by the projector (writer) and reports-read (reader).
 * Every key of one projection version shares the hash tag {v<N>} so the layout also fits Redis Cluster.
 * The pointer key (versionPointerKey) names the live version; a rebuild fills version N+1 and then swaps the pointer.
 */
export const DEFAULT_KEY_PREFIX = 'store:';

/** The key that holds the live version number. `prefix` (REDIS_KEY_PREFIX) lets test runs share one Redis. */
export const versionPointerKey = (prefix = DEFAULT_KEY_PREFIX): string => `${prefix}projection:version`;

export const projectionKeys = (version: number, prefix = DEFAULT_KEY_PREFIX) => {
  const tag = `{v${version}}`;
  return {
    /** sorted set: member user_id, score total spent in cents */
    spenders: `${prefix}projection:${tag}:spenders`,
    /** sorted set: member product_id, score units sold */
    bestSellers: `${prefix}projection:${tag}:best_sellers`,
    /** hash: user_id → name */
    userNames: `${prefix}projection:${tag}:user_names`,
    /** hash: product_id → name */
    productNames: `${prefix}projection:${tag}:product_names`,
    /** hash: applied_events (count), data_as_of (ISO time of the newest applied event), max_sequence */
    meta: `${prefix}projection:${tag}:meta`,
    /** prefix of the per-event dedup keys: <prefix><event_id> */
    appliedEventPrefix: `${prefix}projection:${tag}:applied:`,
  };
};

export type ProjectionKeys = ReturnType<typeof projectionKeys>;

/** Prefix of the rendered-report cache entries and their recompute locks (reports-read). */
export const reportCacheKey = (report: string, prefix = DEFAULT_KEY_PREFIX): string =>
  `${prefix}report-cache:${report}`;
