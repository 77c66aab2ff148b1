import { randomInt, randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { projectionKeys, versionPointerKey } from '@store/contracts';
import { createLogger } from '@store/observability';
import { eventually, httpClient, uniqueEmail, uniqueName, uniqueSku, type HttpClient } from '@store/testing';
import { readConfig as ordersWriteConfig } from '../../services/orders-write/src/config';
import { start as startOrdersWrite, type OrdersWrite } from '../../services/orders-write/src/app';
import { readConfig as projectorConfig } from '../../services/projector/src/config';
import { start as startProjector, type Projector } from '../../services/projector/src/app';
import { readConfig as reportsConfig } from '../../services/reports-read/src/config';
import { start as startReports, type ReportsServer } from '../../services/reports-read/src/app';
import { expectedReports } from './projection-fixtures';

/*
 * The whole pipeline in one process, on the real stores: orders-write (API, outbox, relay) → RabbitMQ →
 * projector → Redis → reports-read, in both REPORTS_SOURCE modes. The run owns a fresh database, exchange,
 * queues and Redis prefix, so the expected reports are a plain GROUP BY over everything in that database.
 */
const run = randomUUID().slice(0, 8);
const database = `store_manager_pipeline_${run}`;
const prefix = `test:pipeline:${run}:`;
const shared = {
  ...process.env,
  PORT: '0',
  MYSQL_DATABASE: database,
  EVENTS_EXCHANGE: `test.pipeline.${run}`,
  PROJECTOR_QUEUE: `test.pipeline.projector.${run}`,
  DEAD_LETTER_QUEUE: `test.pipeline.projector.dead-letter.${run}`,
  REDIS_KEY_PREFIX: prefix,
};
const logger = createLogger('pipeline-test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let writer: OrdersWrite;
let projector: Projector;
let fromProjection: ReportsServer;
let fromMysql: ReportsServer;
let api: HttpClient;
let redis: Redis;
let sql: mysql.Connection;

beforeAll(async () => {
  writer = await startOrdersWrite(
    ordersWriteConfig({ ...shared, MIGRATE_ON_START: 'true', OUTBOX_POLL_INTERVAL_MS: '50' }),
    { logger },
  );
  projector = await startProjector(projectorConfig({ ...shared, RECONCILE_INTERVAL_SECONDS: '0' }), {
    logger,
  });
  fromProjection = await startReports(
    reportsConfig({ ...shared, REPORTS_SOURCE: 'projection', REPORT_CACHE_TTL_SECONDS: '0' }),
    { logger },
  );
  fromMysql = await startReports(
    reportsConfig({ ...shared, REPORTS_SOURCE: 'mysql', REPORT_CACHE_TTL_SECONDS: '0' }),
    {
      logger,
    },
  );
  api = httpClient(writer.url);
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  sql = await mysql.createConnection({ host: '127.0.0.1', user: 'root', password: '', database });
});

afterAll(async () => {
  await Promise.allSettled([fromProjection?.stop(), fromMysql?.stop()]);
  await projector?.stop();
  await writer?.stop();
  await sql?.query(`drop database if exists ${database}`);
  await sql?.end();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createChannel();
  await channel.deleteQueue(shared.PROJECTOR_QUEUE);
  await channel.deleteQueue(shared.DEAD_LETTER_QUEUE);
  await channel.deleteExchange(shared.EVENTS_EXCHANGE);
  await connection.close();
});

/** Runs `tasks` with at most `width` at a time (concurrent clients, bounded). */
async function inParallel<T>(width: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

async function appliedEvents(): Promise<number> {
  const version = Number((await redis.get(versionPointerKey(prefix))) ?? 1);
  return Number((await redis.hget(projectionKeys(version, prefix).meta, 'applied_events')) ?? 0);
}

/** Polls the projection (an external store) until it has applied `expected` events; bounded. */
const untilProjected = (expected: number) =>
  eventually(
    `${expected} applied events`,
    async () => ((await appliedEvents()) >= expected ? true : undefined),
    { timeoutMs: 60_000 },
  );

it('When 1,000 random orders and 100 deletions flow through, then both report sources equal MySQL and drift is 0', async () => {
  const users = await inParallel(
    5,
    Array.from({ length: 30 }, () => async () => {
      const created = await api.post('/users', { name: uniqueName('Pipeline User'), email: uniqueEmail() });
      return created.body.user_id as number;
    }),
  );
  const products = await inParallel(
    5,
    Array.from({ length: 15 }, (_, index) => async () => {
      const price = [0.1, 5.75, 19.99, 1999.99, 59.5][index % 5]!;
      const created = await api.post('/products', {
        name: uniqueName('Pipeline Product'),
        sku: uniqueSku(),
        price,
      });
      await api.post('/stocks', { product_id: created.body.product_id, quantity: 1_000_000 });
      return created.body.product_id as number;
    }),
  );

  const orderIds = await inParallel(
    10,
    Array.from({ length: 1000 }, () => async () => {
      const items = Array.from({ length: randomInt(1, 6) }, () => ({
        product_id: products[randomInt(products.length)]!,
        quantity: randomInt(1, 6),
      }));
      const placed = await api.post('/orders', { user_id: users[randomInt(users.length)]!, items });
      expect(placed.status).toBe(201);
      return placed.body.order_id as number;
    }),
  );
  const doomed = [...orderIds].sort(() => Math.random() - 0.5).slice(0, 100);
  await inParallel(
    10,
    doomed.map((id) => async () => expect((await api.delete(`/orders/${id}`)).status).toBe(200)),
  );

  await untilProjected(1100);
  const expected = await expectedReports(sql);
  expect(expected.spenders.length).toBeGreaterThan(20);

  const reports = (server: ReportsServer) => httpClient(server.url);
  for (const server of [fromProjection, fromMysql]) {
    const spenders = await reports(server).get('/orders/reports/highest-spenders?limit=100');
    const sellers = await reports(server).get('/orders/reports/best-sellers?limit=100');
    expect(spenders.body).toEqual(expected.spenders);
    expect(sellers.body).toEqual(expected.sellers);
  }
  const drift = await projector.reconcile();
  expect(drift.mismatches).toBe(0);
});
