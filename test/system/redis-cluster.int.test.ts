import { createPool, type Pool } from 'mysql2/promise';
import { Cluster } from 'ioredis';
import { projectionControlKeys, reportCacheKey } from '@store/contracts';
import { createLogger } from '@store/observability';
import { scanKeys } from '@store/service-kit';
import { httpClient, parseMetrics } from '@store/testing';
import { readConfig as projectorConfig } from '../../services/projector/src/config';
import { start as startProjector, type Projector } from '../../services/projector/src/app';
import { createMysqlPool } from '../../services/projector/src/data-access/mysql-pool';
import { TestBroker } from '../../services/projector/test/broker';
import {
  createProduct,
  createUser,
  deleteOrder,
  line,
  placeOrder,
  scores,
  untilAvailable,
} from '../../services/projector/test/helpers';
import { readConfig as reportsConfig } from '../../services/reports-read/src/config';
import { start as startReports, type ReportsServer } from '../../services/reports-read/src/app';
import { createPrivateDatabase, dropPrivateRun, expectedReports, privateRun } from './projection-fixtures';
import { startLocalCluster, type LocalCluster } from './redis-cluster';

/*
 * The projector and reports-read on a real Redis Cluster (three masters started and stopped here): every script
 * call must stay in one hash slot, or the cluster refuses it (CROSSSLOT), so applying events (duplicates too),
 * reading both reports, the report cache, and a rebuild with its pointer swap all run here for real.
 */
jest.setTimeout(120_000);

const PORTS = [23379, 23380, 23381];
const run = privateRun('cluster');
const logger = createLogger('cluster-test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let cluster: LocalCluster | undefined;
let redis: Cluster;
let projector: Projector | undefined;
let reports: ReportsServer | undefined;
let pool: Pool;
let broker: TestBroker;

beforeAll(async () => {
  cluster = await startLocalCluster(PORTS);
  redis = new Cluster(
    cluster.nodes.split(',').map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })),
  );
  await createPrivateDatabase(run.database);
  const env = { ...process.env, ...run.env, REDIS_CLUSTER_NODES: cluster.nodes };
  projector = await startProjector(
    projectorConfig({
      ...env,
      PROJECTION_CHECK_INTERVAL_MS: '200',
      RECONCILE_INTERVAL_SECONDS: '0',
      REBUILD_BATCH_SIZE: '2',
    }),
    { logger },
  );
  reports = await startReports(reportsConfig({ ...env, REPORT_CACHE_TTL_SECONDS: '30' }), { logger });
  pool = createMysqlPool(projectorConfig(env));
  broker = await TestBroker.open();
});

afterAll(async () => {
  // Every step runs even if an earlier one fails: the redis-server processes must never outlive the test.
  const steps = [
    () => reports?.stop(),
    () => projector?.stop(),
    () => broker?.close([]),
    () => pool?.end(),
    async () => {
      if (!redis) return;
      const admin = createPool({ host: '127.0.0.1', user: 'root', password: '' });
      await dropPrivateRun(admin, run, redis).finally(() => admin.end());
      redis.disconnect();
    },
    () => cluster?.stop(),
  ];
  for (const step of steps)
    await Promise.resolve()
      .then(step)
      .catch((error: unknown) => logger.warn({ err: error }));
});

const deliver = async (event: Awaited<ReturnType<typeof placeOrder>>) => {
  const acked = projector!.consumer.waitFor('ack', (info) => info.messageId === event.event_id, 30_000);
  broker.publish(run.env.PROJECTOR_QUEUE!, event);
  await acked;
};

const readReports = async () => {
  const client = httpClient(reports!.url);
  const [spenders, sellers] = [
    await client.get('/orders/reports/highest-spenders?limit=100'),
    await client.get('/orders/reports/best-sellers?limit=100'),
  ];
  return { spenders, sellers };
};

it('When the projection runs on a Redis Cluster, then events (a duplicate too), both reports, the cache and a rebuild all work', async () => {
  // The projection starts empty: the projector builds it by itself, on the cluster.
  const projection = projector!.stores.projection;
  await untilAvailable(projection);
  const [ada, alan] = [await createUser(pool), await createUser(pool)];
  const [laptop, screen] = [await createProduct(pool, 199_999), await createProduct(pool, 29_975)];
  const laptops = (n: number) => ({ ...line(laptop.id, n, 199_999), name: laptop.name });
  const screens = (n: number) => ({ ...line(screen.id, n, 29_975), name: screen.name });
  const first = await placeOrder(pool, ada, [laptops(1), screens(2)]);
  const second = await placeOrder(pool, alan, [screens(3)]);
  const third = await placeOrder(pool, alan, [laptops(2)]);
  for (const event of [first, second, third]) await deliver(event);
  await deliver(first); // redelivered: counted once
  await deliver(await deleteOrder(pool, second));

  const metrics = parseMetrics((await httpClient(projector!.url).get<string>('/metrics')).body);
  expect(metrics.value('events_duplicate_total')).toBe(1);
  expect(metrics.value('events_applied_total', { type: 'OrderCreated' })).toBe(3);
  const live = await projection.readVersions();
  expect(await scores(redis, projection.keys(live.live).spenders, [ada.id, alan.id])).toEqual([
    199_999 + 2 * 29_975,
    2 * 199_999,
  ]);
  const expected = await expectedReports(pool);
  const cold = await readReports();
  expect([cold.spenders.body, cold.sellers.body]).toEqual([expected.spenders, expected.sellers]);
  expect(cold.spenders.headers.get('x-report-source')).toBe('projection');
  const warm = await readReports();
  expect(warm.spenders.headers.get('x-cache')).toBe('HIT');
  expect(warm.spenders.body).toEqual(expected.spenders);

  // The projection's keys share one slot; cache entries hash by their own names.
  const slotOf = async (key: string) => Number(await redis.cluster('KEYSLOT', key));
  const control = projectionControlKeys(run.prefix);
  const projectionSlot = await slotOf(control.pointer);
  for (const key of [control.rebuildMarker, control.rebuildLock, projection.keys(live.live).spenders]) {
    expect(await slotOf(key)).toBe(projectionSlot);
  }
  expect(await slotOf(reportCacheKey('projection:best-sellers:100', run.prefix))).not.toBe(projectionSlot);

  // A rebuild replays the log into the next version and swaps the pointer; the old version's keys go.
  const rebuilt = await projector!.rebuild();
  expect(rebuilt).toMatchObject({ fromVersion: live.live, toVersion: live.live + 1, replayed: 4 });
  expect(await projection.readVersions()).toMatchObject({
    live: live.live + 1,
    available: true,
    marker: null,
  });
  const oldKeys: string[] = [];
  await scanKeys(redis, `${projection.keys(live.live).everyKeyPrefix}*`, (keys) => oldKeys.push(...keys));
  expect(oldKeys).toEqual([]);
  expect(await projector!.reconcile()).toMatchObject({ mismatches: 0 });
  for (const report of ['highest-spenders', 'best-sellers']) {
    await redis.unlink(reportCacheKey(`projection:${report}:100`, run.prefix)); // one key per call: other slots
  }
  const afterRebuild = await readReports();
  expect([afterRebuild.spenders.body, afterRebuild.sellers.body]).toEqual([
    expected.spenders,
    expected.sellers,
  ]);
  expect(afterRebuild.sellers.headers.get('x-cache')).toBe('MISS');
});
