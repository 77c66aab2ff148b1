import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-client';

/*
 * A Redis lock with an owner: SET NX PX with a random token, so only the holder can extend or release it. A lock
 * whose holder died expires by itself; one that expired and was taken by another is left alone (compare, then
 * act, in one script).
 */

/** Deletes KEYS[1] only while it holds ARGV[1]; 1 if it did. */
export const DELETE_IF_EQUAL_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Extends KEYS[1] by ARGV[2] ms only while it holds ARGV[1]; 1 if it did. */
const EXTEND_IF_EQUAL_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

export interface TokenLock {
  token: string;
  /** Another ttlMs from now; false when the lock is no longer this holder's. */
  extend(): Promise<boolean>;
  release(): Promise<void>;
}

/** Takes the lock for ttlMs, or undefined when someone holds it. */
export async function tryTokenLock(
  redis: RedisClient,
  key: string,
  ttlMs: number,
): Promise<TokenLock | undefined> {
  const token = randomUUID();
  if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
  return {
    token,
    extend: async () => (await redis.eval(EXTEND_IF_EQUAL_LUA, 1, key, token, ttlMs)) === 1,
    release: () => releaseTokenLock(redis, key, token),
  };
}

/** Releases a lock by its token (for a holder that kept only the token). */
export async function releaseTokenLock(redis: RedisClient, key: string, token: string): Promise<void> {
  await redis.eval(DELETE_IF_EQUAL_LUA, 1, key, token);
}
