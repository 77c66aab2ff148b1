import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@store/service-kit';
import type { RebuildLock } from '../domain/ports';
import { DELETE_IF_EQUAL_LUA, EXTEND_IF_EQUAL_LUA } from './version-scripts.lua';

/**
 * Short, because a rebuild that dies (kill -9) must not block the next one for long: the running rebuild
 * extends it after every replayed batch, so only a batch stuck this long loses it (and the rebuild then stops).
 */
export const REBUILD_LOCK_TTL_MS = 60_000;

/** One rebuild at a time across every projector process and CLI: SET NX with a token only its holder knows. */
export async function acquireLock(redis: RedisClient, key: string): Promise<RebuildLock | null> {
  const token = randomUUID();
  const taken = await redis.set(key, token, 'PX', REBUILD_LOCK_TTL_MS, 'NX');
  if (!taken) return null;
  return {
    token,
    extend: async () => (await redis.eval(EXTEND_IF_EQUAL_LUA, 1, key, token, REBUILD_LOCK_TTL_MS)) === 1,
    release: async () => {
      await redis.eval(DELETE_IF_EQUAL_LUA, 1, key, token);
    },
  };
}
