import { request } from 'undici';

export interface ProjectionLag {
  events: number;
  meanMs: number;
  /** Estimated from the histogram's buckets (linear within the bucket, as Prometheus' histogram_quantile). */
  p50Ms: number;
  p99Ms: number;
}

interface Bucket {
  le: number;
  count: number;
}

/** One histogram's buckets, sum and count from a Prometheus text exposition. */
export function parseHistogram(
  text: string,
  name: string,
): { buckets: Bucket[]; sum: number; count: number } {
  const buckets: Bucket[] = [];
  let sum = 0;
  let count = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}_bucket{`)) {
      const le = /le="([^"]+)"/.exec(line)?.[1];
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (le !== undefined) buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: value });
    } else if (line.startsWith(`${name}_sum`)) sum = Number(line.slice(line.lastIndexOf(' ') + 1));
    else if (line.startsWith(`${name}_count`)) count = Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  buckets.sort((a, b) => a.le - b.le);
  return { buckets, sum, count };
}

/** The q-quantile of cumulative buckets; the top finite bound when it falls in +Inf; NaN without observations. */
export function bucketQuantile(buckets: readonly Bucket[], q: number): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lower;
      const inBucket = bucket.count - below;
      return inBucket > 0 ? lower + ((bucket.le - lower) * (rank - below)) / inBucket : bucket.le;
    }
    lower = bucket.le;
    below = bucket.count;
  }
  return lower;
}

/** The projector's projection_lag_seconds so far (since its start: one configuration's run). */
export async function readProjectionLag(projectorUrl: string): Promise<ProjectionLag | undefined> {
  try {
    const response = await request(`${projectorUrl}/metrics`, { headersTimeout: 5000, bodyTimeout: 5000 });
    const text = await response.body.text();
    if (response.statusCode !== 200) return undefined;
    const { buckets, sum, count } = parseHistogram(text, 'projection_lag_seconds');
    if (buckets.length === 0) return undefined;
    return {
      events: count,
      meanMs: count ? (sum / count) * 1000 : Number.NaN,
      p50Ms: bucketQuantile(buckets, 0.5) * 1000,
      p99Ms: bucketQuantile(buckets, 0.99) * 1000,
    };
  } catch {
    return undefined;
  }
}
