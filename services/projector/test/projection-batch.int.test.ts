import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { StoreEvent } from '@store/contracts';
import { apply } from '../src/domain/projection';
import { ProjectionStore } from '../src/data-access/projection.store';
import { deletePrefix, line, makeEvent, randomId, testPrefix } from './helpers';

/*
 * One script call per batch must give exactly what one call per event gives: the same dedup decisions (inside a
 * batch and across batches), the same totals, names and meta. Each test compares a batched store with a
 * one-by-one store (separate prefixes) and with totals computed here, GROUP BY style, from the unique events.
 */
describe('projection store, batches (real Redis)', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefixes: string[] = [];
  const newStore = (ttl = 3600) => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    return new ProjectionStore(redis, prefix, ttl);
  };

  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    await redis.quit();
  });

  /** Orders of 4 users over 5 products, some deleted again, with the given event ids repeated. */
  function history(): StoreEvent[] {
    const users = Array.from({ length: 4 }, () => ({
      user_id: randomId(),
      user_name: `user ${randomUUID()}`,
    }));
    const products = Array.from({ length: 5 }, randomId);
    const events: StoreEvent[] = [];
    for (let i = 0; i < 40; i += 1) {
      const lines = [line(products[i % 5]!, 1 + (i % 3), 250 + i), line(products[(i * 3) % 5]!, 2, 999)];
      const created = makeEvent('OrderCreated', lines, users[i % 4]);
      events.push(created);
      if (i % 4 === 1) events.push({ ...created, event_id: randomUUID(), type: 'OrderDeleted' });
    }
    return events;
  }

  const totals = (events: StoreEvent[]) => {
    const spend = new Map<string, number>();
    const units = new Map<string, number>();
    for (const event of events) {
      const delta = apply(event);
      const key = String(delta.userId);
      spend.set(key, (spend.get(key) ?? 0) + delta.spendCents);
      for (const p of delta.products)
        units.set(String(p.productId), (units.get(String(p.productId)) ?? 0) + p.units);
    }
    const nonZero = (map: Map<string, number>) => [...map].filter(([, v]) => v !== 0).sort();
    return { spend: nonZero(spend), units: nonZero(units) };
  };

  const stateOf = async (store: ProjectionStore, version = 1) => {
    const k = store.keys(version);
    const sorted = async (key: string) => {
      const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
      const pairs: [string, number][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, Number(flat[i + 1])]);
      return pairs.sort();
    };
    return {
      spend: await sorted(k.spenders),
      units: await sorted(k.bestSellers),
      userNames: await redis.hgetall(k.userNames),
      productNames: await redis.hgetall(k.productNames),
      meta: await redis.hgetall(k.meta),
    };
  };

  test('When events come in batches with duplicates inside a batch and across batches, then outcomes and totals equal one-by-one application', async () => {
    const unique = history();
    // each event once, then every fifth again in the same batch, every seventh again in a later batch
    const stream = unique.flatMap((event, i) => (i % 5 === 0 ? [event, event] : [event]));
    stream.push(...unique.filter((_event, i) => i % 7 === 0));
    const batched = newStore();
    const oneByOne = newStore();

    const outcomes: string[] = [];
    for (let start = 0, size = 1; start < stream.length; start += size, size = (size % 13) + 3) {
      outcomes.push(...(await batched.applyLive(stream.slice(start, start + size).map(apply))));
    }
    const expectedOutcomes: string[] = [];
    for (const event of stream) expectedOutcomes.push(...(await oneByOne.applyLive([apply(event)])));

    expect(outcomes).toEqual(expectedOutcomes);
    expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(unique.length);
    const state = await stateOf(batched);
    expect(state).toEqual(await stateOf(oneByOne));
    expect({ spend: state.spend, units: state.units }).toEqual(totals(unique));
    expect(state.meta).toMatchObject({
      applied_events: String(unique.length),
      max_sequence: String(Math.max(...unique.map((event) => event.sequence))),
    });
  });

  test('When a created and a deleted order meet in one batch, then the member leaves the report as one by one', async () => {
    const store = newStore();
    const created = makeEvent('OrderCreated', [line(randomId(), 3, 1_000)]);
    const deleted: StoreEvent = { ...created, event_id: randomUUID(), type: 'OrderDeleted' };

    expect(await store.applyLive([created, deleted].map(apply))).toEqual(['applied', 'applied']);

    const k = store.keys(1);
    expect(await redis.zscore(k.spenders, String(created.data.user_id))).toBeNull();
    expect(await redis.zscore(k.bestSellers, String(created.data.items[0]!.product_id))).toBeNull();
    expect(await redis.hget(k.userNames, String(created.data.user_id))).toBe(created.data.user_name);
  });

  test('When a rebuild starts after the store read the versions, then the next batch goes to both versions, each deduplicated on its own', async () => {
    const store = newStore(0);
    const rebuild = new ProjectionStore(redis, store.prefix, 0); // the rebuild runs elsewhere
    const [early, replayed, fresh] = history().slice(0, 3);
    await store.applyLive([apply(early!)]); // reads (and keeps) live 1, no rebuild
    const marker = await rebuild.beginRebuild(2, 'token', null);
    await rebuild.applyToRebuild([apply(replayed!)], marker, 2); // replay got there first in version 2

    const outcomes = await store.applyLive([replayed!, fresh!, fresh!].map(apply));

    expect(outcomes).toEqual(['applied', 'applied', 'duplicate']);
    const live = totals([early!, replayed!, fresh!]);
    const building = totals([replayed!, fresh!]);
    const [v1, v2] = [await stateOf(store, 1), await stateOf(store, 2)];
    expect({ spend: v1.spend, units: v1.units }).toEqual(live);
    expect({ spend: v2.spend, units: v2.units }).toEqual(building);
    expect(v2.meta.applied_events).toBe('2');
  });
});
