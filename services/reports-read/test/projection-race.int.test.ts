import { Redis } from 'ioredis';
import { projectionKeys, versionPointerKey } from '@store/contracts';
import { createProjectionStore } from '../src/data-access/projection.store';
import { ProjectionUnavailableError } from '../src/domain/report';
import { REDIS_URL, prefixesOfThisFile, seedProjection } from './helpers';

const redis = new Redis(REDIS_URL);
const ownPrefix = prefixesOfThisFile(redis);
afterAll(() => redis.disconnect());

/**
 * The client as the store sees it, except that `between` runs after each command has answered and before the
 * store can send its next one: the widest possible window between two steps of one read.
 */
function pausingAfterEachCommand(client: Redis, between: () => Promise<void>): Redis {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || property === 'defineCommand') {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: unknown[]) => {
        const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        await between();
        return result;
      };
    },
  });
}

/** What a rebuild's last steps do: the pointer moves to the new version, then the old version's keys go. */
async function switchAndDeleteOld(prefix: string, from: number, to: number): Promise<void> {
  await redis.set(versionPointerKey(prefix), String(to));
  const old = projectionKeys(from, prefix);
  await redis.unlink(old.spenders, old.bestSellers, old.userNames, old.productNames, old.meta);
}

const spenders = [
  { id: 1, name: 'Ada', score: 90_000 },
  { id: 2, name: 'Adele', score: 5_000 },
];
const expected = [
  { id: 1, name: 'Ada', score: 90_000 },
  { id: 2, name: 'Adele', score: 5_000 },
];

describe('reading the projection while a rebuild switches versions', () => {
  test('When a rebuild switches the pointer and deletes the old version between two steps of a read, then the read still returns the whole report', async () => {
    // Arrange: version 2 is live, version 3 is the rebuilt copy (same totals), not yet switched to.
    const prefix = ownPrefix();
    await seedProjection(redis, prefix, { version: 2, spenders, dataAsOf: '2026-11-27T10:00:00.000Z' });
    await seedProjection(redis, prefix, {
      version: 3,
      live: false,
      spenders,
      dataAsOf: '2026-11-27T10:00:00.000Z',
    });
    await redis.hset(projectionKeys(3, prefix).meta, 'completed_at', '2026-11-27T10:00:01.000Z');
    let switched = false;
    const store = createProjectionStore(
      pausingAfterEachCommand(redis, async () => {
        if (switched) return;
        switched = true;
        await switchAndDeleteOld(prefix, 2, 3);
      }),
      prefix,
    );

    // Act
    const snapshot = await store.candidates('highest-spenders', 10);

    // Assert: the switch did happen inside the read, and the answer is one whole version, never a partial one.
    expect(switched).toBe(true);
    expect(await redis.exists(projectionKeys(2, prefix).spenders)).toBe(0);
    expect(snapshot.candidates).toEqual(expected);
    expect(snapshot.dataAsOf).toBe('2026-11-27T10:00:00.000Z');
  });

  test('When the live version lost its completion mark or its pointer, then the store refuses to answer', async () => {
    const prefix = ownPrefix();
    await seedProjection(redis, prefix, { version: 2, spenders });
    const store = createProjectionStore(redis, prefix);
    expect((await store.candidates('highest-spenders', 10)).candidates).toEqual(expected);

    await redis.hdel(projectionKeys(2, prefix).meta, 'completed_at');
    await expect(store.candidates('highest-spenders', 10)).rejects.toBeInstanceOf(ProjectionUnavailableError);
    await redis.del(versionPointerKey(prefix));
    await expect(store.candidates('best-sellers', 10)).rejects.toBeInstanceOf(ProjectionUnavailableError);
  });
});
