import { projectionControlKeys } from '@store/contracts';
import { scanKeys } from '@store/service-kit';
import { openUseCases, type UseCases } from '../src/app';
import { ProjectionMissingError } from '../src/data-access/projection-totals.store';
import type { Stores } from '../src/data-access/stores';
import { apply } from '../src/domain/projection';
import { RebuildAbortedError, RebuildInProgressError } from '../src/domain/rebuild.use-case';
import {
  silentLogger,
  createProduct,
  createUser,
  deleteOrder,
  deletePrefix,
  line,
  placeOrder,
  scores,
  testConfig,
} from './helpers';

describe('rebuild from the outbox and reconciliation (real MariaDB and Redis)', () => {
  const config = testConfig({ REBUILD_BATCH_SIZE: '7' });
  let useCases: UseCases;
  let stores: Stores;
  const rebuild = () => useCases.rebuild();
  const check = (userIds: number[], productIds: number[]) => useCases.reconcile({ userIds, productIds });

  let users: { id: number; name: string }[];
  let products: { id: number; name: string }[];

  beforeAll(async () => {
    useCases = await openUseCases(config, silentLogger());
    stores = useCases.stores;
    users = [await createUser(stores.pool), await createUser(stores.pool)];
    products = [await createProduct(stores.pool, 1_999), await createProduct(stores.pool, 575)];
  });

  afterAll(async () => {
    await deletePrefix(stores.redis, config.REDIS_KEY_PREFIX);
    await stores.close();
  });

  const prices = [1_999, 575];
  const lineOf = (index: 0 | 1, quantity: number) => {
    const product = products[index]!;
    return { ...line(product.id, quantity, prices[index]), name: product.name };
  };

  test('When the projection is wiped and rebuilt, then it equals what the outbox rows say', async () => {
    const ada = users[0]!;
    const alan = users[1]!;
    const kept = await placeOrder(stores.pool, ada, [lineOf(0, 2), lineOf(1, 1), lineOf(0, 1)]);
    const gone = await placeOrder(stores.pool, ada, [lineOf(1, 5)]);
    await deleteOrder(stores.pool, gone);
    await placeOrder(stores.pool, alan, [lineOf(1, 3)]);
    await stores.projection.applyLive([apply(kept)]); // some state before the wipe, which must not survive
    await deletePrefix(stores.redis, config.REDIS_KEY_PREFIX);

    const result = await rebuild();

    expect(result).toMatchObject({ fromVersion: 1, toVersion: 2 });
    const live = stores.projection.keys(2);
    expect(await stores.redis.get(stores.projection.pointerKey)).toBe('2');
    expect(await stores.redis.get(stores.projection.markerKey)).toBeNull();
    expect(await stores.projection.readVersions()).toMatchObject({
      live: 2,
      available: true,
      rebuilding: null,
    });
    expect(await scores(stores.redis, live.spenders, [ada.id, alan.id])).toEqual([3 * 1_999 + 575, 3 * 575]);
    expect(
      await scores(
        stores.redis,
        live.bestSellers,
        products.map((p) => p.id),
      ),
    ).toEqual([3, 4]);
    expect(await stores.redis.hget(live.userNames, String(ada.id))).toBe(ada.name);
    expect(await stores.redis.hget(live.productNames, String(products[0]!.id))).toBe(products[0]!.name);
  });

  test('When a rebuild switches versions, then the old version keys are deleted', async () => {
    const before = await stores.projection.readVersions();

    const result = await rebuild();

    expect(result.fromVersion).toBe(before.live);
    expect(result.oldKeysDeleted).toBeGreaterThan(0);
    const oldKeys: string[] = [];
    await scanKeys(stores.redis, `${stores.projection.keys(before.live).everyKeyPrefix}*`, (keys) =>
      oldKeys.push(...keys),
    );
    expect(oldKeys).toEqual([]);
  });

  test('When reconciled after a rebuild, then there is no drift; after tampering, the drift is reported', async () => {
    const ids = { users: users.map((u) => u.id), products: products.map((p) => p.id) };
    expect(await check(ids.users, ids.products)).toMatchObject({ mismatches: 0, absoluteDifference: 0 });

    const { live } = await stores.projection.readVersions();
    await stores.redis.zincrby(stores.projection.keys(live).bestSellers, 2, String(products[1]!.id));
    const report = await check(ids.users, ids.products);

    expect(report).toMatchObject({ mismatches: 1, absoluteDifference: 2, users: [] });
    expect(report.products).toEqual([{ id: products[1]!.id, expected: 4, actual: 6 }]);
  });

  test('When a rebuild is already running elsewhere, then the self-heal check does not start a second one', async () => {
    const lock = await stores.projection.acquireRebuildLock();
    try {
      // an operator's request would wait for it instead (rebuild-live.int.test.ts)
      await expect(useCases.rebuild(undefined, { reason: 'missing' })).rejects.toBeInstanceOf(
        RebuildInProgressError,
      );
    } finally {
      await lock?.release();
    }
  });

  test('When a rebuild died (marker up, lock expired), then the next rebuild clears its version and takes over', async () => {
    const before = await stores.projection.readVersions();
    const dead = before.live + 5;
    const deadMarker = await stores.projection.beginRebuild(dead, 'died', null);
    const [someone] = users;
    await stores.projection.applyToRebuild(
      [apply(await placeOrder(stores.pool, someone!, [lineOf(0, 1)]))],
      deadMarker,
      dead,
    );
    expect(await stores.projection.readVersions()).toMatchObject({ rebuilding: dead, rebuildLocked: false });

    const result = await rebuild();

    expect(result).toMatchObject({ fromVersion: before.live, toVersion: before.live + 1 });
    expect(await stores.projection.readVersions()).toMatchObject({ available: true, marker: null });
    expect(await stores.redis.exists(stores.projection.keys(dead).meta)).toBe(0);
    expect(
      await check(
        users.map((u) => u.id),
        products.map((p) => p.id),
      ),
    ).toMatchObject({ mismatches: 0 });
  });

  test('When a rebuild loses its lock mid-replay, then it stops and leaves neither marker nor half-built keys', async () => {
    const before = await stores.projection.readVersions();
    const next = before.live + 1;
    let stolen = false;

    const attempt = useCases.rebuild(async () => {
      if (stolen) return;
      stolen = true;
      await stores.redis.del(projectionControlKeys(config.REDIS_KEY_PREFIX).rebuildLock); // expired, say
    });

    await expect(attempt).rejects.toBeInstanceOf(RebuildAbortedError);
    expect(await stores.projection.readVersions()).toMatchObject({
      live: before.live,
      available: true,
      marker: null,
    });
    expect(await stores.redis.exists(stores.projection.keys(next).meta)).toBe(0);
  });

  test('When the projection is missing, then reconcile refuses to compare rather than report drift of everything', async () => {
    await deletePrefix(stores.redis, config.REDIS_KEY_PREFIX);
    await expect(
      check(
        users.map((u) => u.id),
        [],
      ),
    ).rejects.toBeInstanceOf(ProjectionMissingError);
  });
});
