import { tryTokenLock, type RedisClient } from '@store/service-kit';
import type { RebuildLock } from '../domain/ports';

/**
 * Short, because a rebuild that dies (kill -9) must not block the next one for long: the running rebuild
 * extends it after every replayed batch, so only a batch stuck this long loses it (and the rebuild then stops).
 */
export const REBUILD_LOCK_TTL_MS = 60_000;

/** One rebuild at a time across every projector process and CLI: a lock with a token only its holder knows. */
export async function acquireLock(redis: RedisClient, key: string): Promise<RebuildLock | null> {
  return (await tryTokenLock(redis, key, REBUILD_LOCK_TTL_MS)) ?? null;
}
