import { Redis } from 'ioredis';
import { PROJECTION_META, projectionKeys, versionPointerKey } from '@store/contracts';
import { createLogger } from '@store/observability';
import { eventually, httpClient, parseMetrics, uniqueSuffix, testDatabase } from '@store/testing';
import { readConfig } from '../src/config';
import { start, type ReportsServer } from '../src/app';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A port where nothing listens: "Redis/MySQL is down" without touching the shared servers. */
export const CLOSED_PORT = 6390;

export const uniquePrefix = (): string => `test:${uniqueSuffix()}:`;

/**
 * A maker of unique key prefixes for one test file; the keys under every prefix it gave are deleted after the
 * file's tests (call it at the top level of the file).
 */
export function prefixesOfThisFile(redis: Redis): () => string {
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeys(redis, prefix);
  });
  return () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    return prefix;
  };
}
export const silentLogger = createLogger('reports-read-test', { level: 'silent' });

/** One in-process instance on port 0, configured like production through readConfig. */
export async function startReports(env: Record<string, string>, now?: () => number) {
  const config = readConfig({
    PORT: '0',
    REDIS_URL,
    MYSQL_DATABASE: testDatabase(),
    ...env,
  });
  const server: ReportsServer = await start(config, { logger: silentLogger, ...(now ? { now } : {}) });
  return { server, http: httpClient(server.url) };
}

export interface Ranked {
  id: number;
  name: string;
  score: number;
}

export interface ProjectionSeed {
  version?: number;
  /** false: the version's data only, not made live (a rebuild's version before its switch) */
  live?: boolean;
  spenders?: Ranked[];
  bestSellers?: Ranked[];
  dataAsOf?: string;
}

/**
 * Writes a projection the way the projector lays it out (@store/contracts); the test is the writer here.
 * A live version is complete, as a rebuild leaves it: the pointer names it and its meta has completed_at.
 */
export async function seedProjection(redis: Redis, prefix: string, seed: ProjectionSeed): Promise<void> {
  const version = seed.version ?? 1;
  const keys = projectionKeys(version, prefix);
  const tx = redis.multi();
  if (seed.live ?? true) {
    tx.set(versionPointerKey(prefix), String(version));
    tx.hset(keys.meta, PROJECTION_META.completedAt, new Date().toISOString());
  }
  for (const { id, name, score } of seed.spenders ?? []) {
    tx.zadd(keys.spenders, score, String(id)).hset(keys.userNames, String(id), name);
  }
  for (const { id, name, score } of seed.bestSellers ?? []) {
    tx.zadd(keys.bestSellers, score, String(id)).hset(keys.productNames, String(id), name);
  }
  if (seed.dataAsOf) tx.hset(keys.meta, PROJECTION_META.dataAsOf, seed.dataAsOf, 'applied_events', '1');
  await tx.exec();
}

/** Removes every key this run wrote under its own prefix (never a FLUSH of the shared Redis). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  for (let round = 0; round < 1_000; round++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}

/** Reads one sample (a counter, a histogram's _count or _sum) from an instance's /metrics, as Prometheus would. */
export async function metricValue(server: ReportsServer, name: string, labels: Record<string, string> = {}) {
  return parseMetrics(await (await fetch(`${server.url}/metrics`)).text()).value(name, labels);
}

/** Bounded polling, only for observing time-based expiry in a store. */
export const pollUntil = <T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> =>
  eventually('the store to reach the expected state', probe, { timeoutMs, intervalMs: everyMs });
