import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import { createLogger } from '@store/observability';
import type { StoreEvent } from '@store/contracts';
import { uniqueSuffix } from '@store/testing';
import { OutboxRelay, type RelayEvent } from '../src/messaging/outbox-relay';
import { createProduct, createUser, openSql, startTestService, type TestService } from './helpers';

/*
 * The relay's failure path against the real outbox table: a publish that fails (as a confirm timeout or a lost
 * connection does) leaves the rows unpublished with attempts, last_error and a backoff, and a later pass
 * publishes them. The broker side of those failures is covered in @store/messaging's own tests.
 * A relay drains every due row of its database, so this file has a database of its own (migrated at start,
 * dropped after): draining the shared one would mark other tests' rows.
 */
const database = `store_manager_outbox_retry_${uniqueSuffix().replace(/\W/g, '_')}`;
const t = {} as { app: TestService; sql: mysql.Connection };

beforeAll(async () => {
  t.app = await startTestService({ MYSQL_DATABASE: database, MIGRATE_ON_START: 'true' });
  t.sql = await openSql();
  await t.sql.query(`use \`${database}\``);
});

afterAll(async () => {
  await t.app?.stop();
  await t.sql?.query(`drop database if exists \`${database}\``);
  await t.sql?.end();
});

const rowOf = async (orderId: number) => {
  const [rows] = await t.sql.query<mysql.RowDataPacket[]>(
    "select attempts, last_error, next_attempt_at, published_at from outbox where json_value(payload, '$.order_id') = ?",
    [orderId],
  );
  return rows[0]!;
};

const relayOf = (publish: (event: StoreEvent) => Promise<void>) =>
  new OutboxRelay({
    db: t.app.service.db,
    logger: createLogger('relay-test', { level: 'silent' }),
    now: () => new Date(),
    publish,
    pollIntervalMs: 20,
    batchSize: 100,
    maxBackoffMs: 300,
    sweepGraceMs: 0,
    markIntervalMs: 10,
    writersPublishOrders: false,
  });

it('When publishing fails, then the rows stay unpublished with a backoff, and a later pass publishes them', async () => {
  const user = await createUser(t.app.api);
  const product = await createProduct(t.app.api, 1, 5);
  const placed = await t.app.api.post('/orders', {
    user_id: user.user_id,
    items: [{ product_id: product, quantity: 1 }],
  });
  const orderId = placed.body.order_id as number;

  let brokerUp = false;
  const publishedOrders: number[] = [];
  const relay = relayOf((event) => {
    if (!brokerUp) return Promise.reject(new Error('confirm timed out'));
    publishedOrders.push(event.data.order_id);
    return Promise.resolve();
  });
  const outcomes: RelayEvent[] = [];
  relay.onEvent((outcome) => outcomes.push(outcome));

  await relay.drain();
  expect(outcomes[0]).toEqual(expect.objectContaining({ kind: 'failed' }));
  const failed = await rowOf(orderId);
  expect(failed.published_at).toBeNull();
  expect(failed.attempts).toBe(1);
  expect(failed.last_error).toBe('confirm timed out');
  expect(new Date(failed.next_attempt_at).getTime()).toBeGreaterThan(Date.now() - 1000);

  brokerUp = true;
  const published = new Promise<void>((resolve) =>
    relay.onEvent((outcome) => {
      if (outcome.kind === 'published' && outcome.events.some((event) => event.data.order_id === orderId))
        resolve();
    }),
  );
  relay.start();
  await published;
  await relay.stop();
  const done = await rowOf(orderId);
  expect(done.published_at).not.toBeNull();
  expect(done.attempts).toBe(2);
  expect(done.last_error).toBeNull();
  expect(publishedOrders).toEqual([orderId]); // the database is this file's: nothing else was due
});

it('When an outbox row is not a valid event, then the relay never publishes it and says why in last_error', async () => {
  const eventId = randomUUID();
  const [inserted] = await t.sql.query<mysql.ResultSetHeader>(
    `insert into outbox (event_id, type, version, payload, created_at, attempts)
     values (?, 'OrderCreated', 1, '{"order_id": 1}', utc_timestamp(3), 0)`,
    [eventId],
  );
  const published: string[] = [];
  const relay = relayOf((event) => Promise.resolve(void published.push(event.event_id)));

  await relay.drain();

  const [rows] = await t.sql.query<mysql.RowDataPacket[]>(
    'select published_at, attempts, last_error, next_attempt_at from outbox where sequence = ?',
    [inserted.insertId],
  );
  expect(published).not.toContain(eventId);
  expect(rows[0]).toMatchObject({ published_at: null, attempts: 1 });
  expect(rows[0]!.last_error).toMatch(/^not a valid event: .*data\.user_id/);
  expect(new Date(rows[0]!.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
});
