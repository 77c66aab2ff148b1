/*
 * Redis layout of the report projection, shared by the projector (writer) and reports-read (reader).
 * Every key of one projection version shares the hash tag {v<N>} so the layout also fits Redis Cluster.
 * The pointer key names the live version; a rebuild fills version N+1 and then swaps the pointer.
 */
export const PROJECTION_VERSION_POINTER = 'projection:version';

export const projectionKeys = (version: number) => {
  const tag = `{v${version}}`;
  return {
    /** sorted set: member user_id, score total spent in cents */
    spenders: `projection:${tag}:spenders`,
    /** sorted set: member product_id, score units sold */
    bestSellers: `projection:${tag}:best_sellers`,
    /** hash: user_id → name */
    userNames: `projection:${tag}:user_names`,
    /** hash: product_id → name */
    productNames: `projection:${tag}:product_names`,
    /** hash: applied_events (count), data_as_of (ISO time of the newest applied event), max_sequence */
    meta: `projection:${tag}:meta`,
    /** prefix of the per-event dedup keys: <prefix><event_id> */
    appliedEventPrefix: `projection:${tag}:applied:`,
  };
};

export type ProjectionKeys = ReturnType<typeof projectionKeys>;

/** Prefix of the rendered-report cache entries and their recompute locks (reports-read). */
export const REPORT_CACHE_PREFIX = 'report-cache:';
