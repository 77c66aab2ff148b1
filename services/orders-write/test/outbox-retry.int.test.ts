import type mysql from 'mysql2/promise';
import { createLogger } from '@store/observability';
import type { StoreEvent } from '@store/contracts';
import { OutboxRelay, type RelayEvent } from '../src/messaging/outbox-relay';
import { createProduct, createUser, useServiceAndSql } from './helpers';

/*
 * The relay's failure path against the real outbox table: a publish that fails (as a confirm timeout or a lost
 * connection does) leaves the rows unpublished with attempts, last_error and a backoff, and a later pass
 * publishes them. The broker side of those failures is covered in @store/messaging's own tests.
 */
const t = useServiceAndSql();

const rowOf = async (orderId: number) => {
  const [rows] = await t.sql.query<mysql.RowDataPacket[]>(
    "select attempts, last_error, next_attempt_at, published_at from outbox where json_value(payload, '$.order_id') = ?",
    [orderId],
  );
  return rows[0]!;
};

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
  const relay = new OutboxRelay({
    db: t.app.service.db,
    logger: createLogger('relay-test', { level: 'silent' }),
    now: () => new Date(),
    publish: (event: StoreEvent) => {
      if (!brokerUp) return Promise.reject(new Error('confirm timed out'));
      publishedOrders.push(event.data.order_id);
      return Promise.resolve();
    },
    pollIntervalMs: 20,
    batchSize: 10_000, // the whole backlog of the test database in one claim, this order included
    maxBackoffMs: 300,
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
  expect(publishedOrders.filter((id) => id === orderId)).toHaveLength(1);
});
