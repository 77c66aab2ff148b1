import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from '@store/observability';

/*
 * Gotcha: disconnect() arms a `disconnectTimeout` timer (2 s by default) that is cleared only by a later
 * 'close' event; a socket that was refused has closed already, so the timer keeps the process alive for the
 * full delay. A short timeout lets shutdown (and Jest) finish promptly.
 */

/**
 * The Redis client of every service: it fails fast while Redis is down (a request answers 503 at once, a
 * consumer's handler throws and its message is retried, instead of queueing behind a dead socket) and keeps
 * reconnecting in the background by itself.
 */
export function createRedisClient(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    commandTimeout: 2_000,
    disconnectTimeout: 100,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
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
export async function settleConnection(redis: Redis, timeoutMs = 2_000): Promise<void> {
  const timer = new AbortController();
  await Promise.race([
    once(redis, 'ready', { signal: timer.signal }),
    once(redis, 'error', { signal: timer.signal }),
    delay(timeoutMs, undefined, { signal: timer.signal }),
  ]).catch(() => undefined);
  timer.abort();
}

export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}
