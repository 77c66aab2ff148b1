import { Redis } from 'ioredis';
import { apply } from '../src/domain/projection';
import { ProjectionStore, StaleVersionError } from '../src/data-access/projection.store';
import { deletePrefix, line, makeEvent, randomId, scores, testPrefix } from './helpers';

describe('projection store (real Redis)', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = testPrefix();
  const store = new ProjectionStore(redis, prefix, 3600);
  const keys = store.keys(1);

  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  test('When the same event is applied twice, then it counts once and the second is a duplicate', async () => {
    const [productA, productB] = [randomId(), randomId()];
    const event = makeEvent('OrderCreated', [
      line(productA, 2, 500),
      line(productB, 1, 250),
      line(productA, 3, 500),
    ]);

    const first = await store.applyLive([apply(event)]);
    const second = await store.applyLive([apply(event)]);

    expect([first, second]).toEqual([['applied'], ['duplicate']]);
    expect(await scores(redis, keys.spenders, [event.data.user_id])).toEqual([2_750]);
    expect(await scores(redis, keys.bestSellers, [productA, productB])).toEqual([5, 1]);
    expect(await redis.hget(keys.userNames, String(event.data.user_id))).toBe(event.data.user_name);
    expect(await redis.hget(keys.productNames, String(productB))).toBe(`product ${productB}`);
    expect(await redis.hget(keys.meta, 'applied_events')).toBe('1');
    expect(await redis.ttl(keys.appliedEventPrefix + event.event_id)).toBeGreaterThan(0);
  });

  test('When a deletion arrives before its creation, then the totals end as if in order (zero)', async () => {
    const product = randomId();
    const created = makeEvent('OrderCreated', [line(product, 4, 1_999)]);
    const deleted = { ...makeEvent('OrderDeleted', []), data: created.data };

    await store.applyLive([apply(deleted)]);
    expect(await scores(redis, keys.spenders, [created.data.user_id])).toEqual([-7_996]);
    await store.applyLive([apply(created)]);

    expect(await redis.zscore(keys.spenders, String(created.data.user_id))).toBeNull();
    expect(await redis.zscore(keys.bestSellers, String(product))).toBeNull();
  });

  test('When events arrive out of time order, then data_as_of and max_sequence keep the newest', async () => {
    const isolated = new ProjectionStore(redis, testPrefix(), 3600);
    const meta = isolated.keys(1).meta;
    const newer = {
      ...makeEvent('OrderCreated', [line(randomId(), 1)]),
      sequence: 20,
      occurred_at: '2026-11-27T12:00:05+00:00',
    };
    const older = {
      ...makeEvent('OrderCreated', [line(randomId(), 1)]),
      sequence: 9,
      occurred_at: '2026-11-27T12:00:01.5Z',
    };

    await isolated.applyLive([apply(newer)]);
    await isolated.applyLive([apply(older)]);

    expect(await redis.hgetall(meta)).toMatchObject({
      applied_events: '2',
      data_as_of: '2026-11-27T12:00:05.000Z',
      max_sequence: '20',
    });
    await deletePrefix(redis, isolated.prefix);
  });

  test('When a rebuild is marked, then a live event goes to both versions, each with its own dedup key', async () => {
    const isolated = new ProjectionStore(redis, testPrefix(), 0);
    await isolated.beginRebuild(2, 'token', null);
    const event = makeEvent('OrderCreated', [line(randomId(), 1, 300)]);

    expect(await isolated.applyLive([apply(event)])).toEqual(['applied']);

    for (const version of [1, 2]) {
      const k = isolated.keys(version);
      expect(await scores(redis, k.spenders, [event.data.user_id])).toEqual([300]);
      expect(await redis.ttl(k.appliedEventPrefix + event.event_id)).toBe(-1);
    }
    await deletePrefix(redis, isolated.prefix);
  });

  describe('versions', () => {
    const isolated = () => new ProjectionStore(redis, testPrefix(), 0);
    const withStore = async (work: (store: ProjectionStore) => Promise<void>) => {
      const store = isolated();
      try {
        await work(store);
      } finally {
        await deletePrefix(redis, store.prefix);
      }
    };

    test('When nothing was ever built, then events go to the scratch version 1, which is not available', () =>
      withStore(async (store) => {
        await store.applyLive([apply(makeEvent('OrderCreated', [line(randomId(), 1)]))]);
        expect(await store.readVersions()).toMatchObject({
          live: 1,
          available: false,
          appliedEvents: 1,
          rebuilding: null,
        });
      }));

    test('When a rebuild switches, then pointer and completed_at are set in one step and the marker goes', () =>
      withStore(async (store) => {
        const marker = await store.beginRebuild(2, 'mine', null);
        expect(await store.readVersions()).toMatchObject({
          live: 1,
          available: false,
          rebuilding: 2,
          marker,
        });

        expect(await store.switchLive(marker, 2)).toBe(1);

        const state = await store.readVersions();
        expect(state).toMatchObject({ live: 2, available: true, rebuilding: null, marker: null });
        expect(Date.parse(state.completedAt!)).not.toBeNaN();
        await expect(store.switchLive(marker, 2)).rejects.toBeInstanceOf(StaleVersionError);
      }));

    test('When Redis lost a rebuild marker and another rebuild reuses its version number, then the first can neither write, switch nor clear it', () =>
      withStore(async (store) => {
        const first = await store.beginRebuild(2, 'first', null);
        await deletePrefix(redis, store.prefix); // Redis loses everything
        const second = await store.beginRebuild(2, 'second', null);
        const event = makeEvent('OrderCreated', [line(randomId(), 1, 700)]);
        await store.applyToRebuild([apply(event)], second, 2);

        await expect(store.applyToRebuild([apply(event)], first, 2)).rejects.toBeInstanceOf(
          StaleVersionError,
        );
        await expect(store.switchLive(first, 2)).rejects.toBeInstanceOf(StaleVersionError);
        await store.abortRebuild(first, 2);

        expect(await store.readVersions()).toMatchObject({ rebuilding: 2, marker: second });
        expect(await scores(redis, store.keys(2).spenders, [event.data.user_id])).toEqual([700]);
      }));

    test('When the live version is withdrawn, then it stays live for events but is no longer available', () =>
      withStore(async (store) => {
        await store.switchLive(await store.beginRebuild(2, 't', null), 2);
        await store.withdrawLive(3); // not the live one: nothing happens
        expect((await store.readVersions()).available).toBe(true);

        await store.withdrawLive(2);

        expect(await store.readVersions()).toMatchObject({ live: 2, available: false });
      }));
  });
});
