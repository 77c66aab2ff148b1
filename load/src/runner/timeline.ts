import { LatencyLog } from './latency-log';

/** One second of a run, as Locust's Charts tab plots it. */
export interface TimelinePoint {
  /** Seconds since the load began (the bucket's start). */
  second: number;
  /** The most users running (closed model) or requests in flight (open model) seen in that second. */
  users: number;
  /** Answers (and transport errors) that arrived in that second. */
  requests: number;
  failures: number;
  p50Ms: number;
  p95Ms: number;
}

interface Bucket {
  users: number;
  requests: number;
  failures: number;
  latency: LatencyLog;
}

/**
 * Per-second buckets of every answer, by the time it arrived: the time series of a run (the step figures say
 * what each step did as a whole, this says how it got there). A second with no answer still shows its users.
 */
export class Timeline {
  private readonly buckets: Bucket[] = [];
  /** The users last told: a second with no news still had them. */
  private latest = 0;

  constructor(private readonly origin = performance.now()) {}

  private bucket(now: number, users: number): Bucket {
    const index = Math.max(0, Math.floor((now - this.origin) / 1000));
    for (let i = this.buckets.length; i <= index; i++)
      this.buckets.push({ users: this.latest, requests: 0, failures: 0, latency: new LatencyLog(64) });
    const bucket = this.buckets[index]!;
    bucket.users = Math.max(bucket.users, users);
    this.latest = users;
    return bucket;
  }

  /** Notes the users running now without an answer (a second of pure thinking still has its users). */
  users(users: number, now = performance.now()): void {
    this.bucket(now, users);
  }

  answered(users: number, ms: number | undefined, failed: boolean, now = performance.now()): void {
    const bucket = this.bucket(now, users);
    bucket.requests++;
    if (failed) bucket.failures++;
    if (ms !== undefined) bucket.latency.add(ms);
  }

  points(): TimelinePoint[] {
    return this.buckets.map((bucket, second) => {
      const { p50, p95 } = bucket.latency.summary();
      return {
        second,
        users: bucket.users,
        requests: bucket.requests,
        failures: bucket.failures,
        p50Ms: Number.isFinite(p50) ? p50 : 0,
        p95Ms: Number.isFinite(p95) ? p95 : 0,
      };
    });
  }
}
