import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '@store/observability';

/*
 * Gotcha: disconnect() arms a `disconnectTimeout` timer (2 s by default) that is cleared only by a later
 * 'close' event; a socket that was refused has closed already, so the timer keeps the process alive for the
 * full delay. A short timeout lets shutdown (and Jest) finish promptly.
 */

/** One Redis server or a Redis Cluster: the commands the services use exist on both. */
export type RedisClient = Redis | Cluster;

/**
 * REDIS_CLUSTER_NODES: `host:port,host:port` of some cluster nodes (the client discovers the rest). Empty (the
 * default) means one Redis server at REDIS_URL; with nodes, REDIS_URL still gives the credentials.
 */
export const redisClusterNodesEnv = () =>
  z
    .string()
    .default('')
    .transform((text) => text.split(',').map((node) => node.trim()))
    .transform((nodes) => nodes.filter((node) => node !== ''))
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port')));

const COMMON: RedisOptions = {
  maxRetriesPerRequest: 1,
  connectTimeout: 1_000,
  commandTimeout: 2_000,
  disconnectTimeout: 100,
};

/**
 * The Redis client of every service: it fails fast while Redis is down (a request answers 503 at once, a
 * consumer's handler throws and its message is retried, instead of queueing behind a dead socket) and keeps
 * reconnecting in the background by itself. With `clusterNodes` it is an ioredis Cluster with the same rules.
 */
export function createRedisClient(url: string, logger: Logger, clusterNodes: string[] = []): RedisClient {
  const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2_000);
  let redis: RedisClient;
  if (clusterNodes.length === 0) {
    redis = new Redis(url, { ...COMMON, enableOfflineQueue: false, retryStrategy });
  } else {
    const { username, password } = new URL(url);
    redis = new Cluster(
      clusterNodes.map((node) => {
        const [host, port] = node.split(':');
        return { host: host!, port: Number(port) };
      }),
      {
        enableOfflineQueue: false,
        clusterRetryStrategy: retryStrategy,
        redisOptions: {
          ...COMMON,
          ...(username ? { username: decodeURIComponent(username) } : {}),
          ...(password ? { password: decodeURIComponent(password) } : {}),
        },
      },
    );
  }
  // Log transitions only: ioredis emits an error on every reconnect attempt while Redis is down.
  let up = true;
  redis.on('error', (error: Error) => {
    if (up) logger.warn({ err: error }, 'redis unavailable, reconnecting');
    up = false;
  });
  redis.on('ready', () => {
    if (!up) logger.info('redis available again');
    up = true;
  });
  return redis;
}

/** Gives a new client a moment to connect so the first request does not fail; never throws. */
export async function settleConnection(redis: RedisClient, timeoutMs = 2_000): Promise<void> {
  const timer = new AbortController();
  await Promise.race([
    once(redis, 'ready', { signal: timer.signal }),
    once(redis, 'error', { signal: timer.signal }),
    delay(timeoutMs, undefined, { signal: timer.signal }),
  ]).catch(() => undefined);
  timer.abort();
}

export async function closeRedis(redis: RedisClient): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}

/**
 * Every key matching `pattern`, in batches (SCAN, never KEYS). A cluster's keys are spread over its masters, so
 * each master is scanned. Stops early when `onBatch` returns false.
 */
export async function scanKeys(
  redis: RedisClient,
  pattern: string,
  onBatch: (keys: string[]) => unknown,
  count = 500,
): Promise<void> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length && (await onBatch(keys)) === false) return;
    } while (cursor !== '0');
  }
}

/** `text` as a literal inside a SCAN/KEYS pattern (key prefixes may hold glob characters). */
export const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
