import { z } from 'zod';
import { reportCacheKey, reportCacheLockKey } from '@store/contracts';
import { releaseTokenLock, tryTokenLock, type RedisClient } from '@store/service-kit';
import type { CachedReport, ReportCache } from '../domain/report';
import { redisFailure } from './redis-client';

const entrySchema = z.object({
  body: z.string(),
  computed_at: z.number(),
  expires_at: z.number(),
  data_as_of: z.string().nullable(),
});

/**
 * Rendered answers in Redis, shared by every replica: one JSON value per entry (body + logical expiry) kept
 * physically longer than its TTL so a stale copy can be served during a recompute, and its recompute lock (key
 * names in @store/contracts). Every call touches one key, so on Redis Cluster entries spread over the slots.
 */
export function createReportCacheStore(redis: RedisClient, prefix: string): ReportCache {
  const entryKey = (key: string) => reportCacheKey(key, prefix);
  const lockKey = (key: string) => reportCacheLockKey(key, prefix);
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw redisFailure(error);
    }
  };

  return {
    read: (key) =>
      guarded(async () => {
        const raw = await redis.get(entryKey(key));
        return raw === null ? undefined : parseEntry(raw);
      }),
    write: (key, entry, keepMs) =>
      guarded(async () => {
        const value = {
          body: entry.body,
          computed_at: entry.computedAt,
          expires_at: entry.expiresAt,
          data_as_of: entry.dataAsOf,
        };
        await redis.set(entryKey(key), JSON.stringify(value), 'PX', keepMs);
      }),
    tryLock: (key, ttlMs) =>
      guarded(async () => {
        return (await tryTokenLock(redis, lockKey(key), ttlMs))?.token;
      }),
    // Released only if it is still ours (it may have expired and been taken by another replica). A lock we
    // cannot release expires by itself; failing the request for it would waste a good answer.
    unlock: (key, token) =>
      releaseTokenLock(redis, lockKey(key), token).then(
        () => undefined,
        () => undefined,
      ),
  };
}

/** An unreadable entry (older format, manual edit) counts as missing and is simply recomputed. */
function parseEntry(raw: string): CachedReport | undefined {
  try {
    const parsed = entrySchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return undefined;
    const { body, computed_at, expires_at, data_as_of } = parsed.data;
    return { body, computedAt: computed_at, expiresAt: expires_at, dataAsOf: data_as_of };
  } catch {
    return undefined;
  }
}
