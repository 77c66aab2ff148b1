import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import type mysql from 'mysql2/promise';
import { ROUTING_KEYS, storeEventSchema, type StoreEvent } from '@store/contracts';
import { eventually } from '@store/testing';
import { count, createProduct, createUser, openSql, startTestService, type TestService } from './helpers';

/*
 * Outbox to broker, end to end on a real RabbitMQ. Each run owns its exchange and queues, so neither a running
 * stack nor another test run sees these events. Messages are awaited as they arrive, never slept for.
 */
const run = randomUUID().slice(0, 8);
const relayEnv = {
  OUTBOX_RELAY_ENABLED: 'true',
  OUTBOX_POLL_INTERVAL_MS: '50',
  EVENTS_EXCHANGE: `test.store.events.${run}`,
  PROJECTOR_QUEUE: `test.projector.${run}`,
  DEAD_LETTER_QUEUE: `test.projector.dead-letter.${run}`,
};

let connection: amqp.ChannelModel;
let channel: amqp.Channel;
let sql: mysql.Connection;
const received: StoreEvent[] = [];
const waiters = new Set<() => void>();

async function receivedWhere(
  predicate: (event: StoreEvent) => boolean,
  expected: number,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const matches = received.filter(predicate);
    if (matches.length >= expected) return matches;
    if (Date.now() > deadline) throw new Error(`expected ${expected} events, got ${matches.length}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 250);
      waiters.add(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

beforeAll(async () => {
  sql = await openSql();
  connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  channel = await connection.createChannel();
  await channel.assertExchange(relayEnv.EVENTS_EXCHANGE, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  for (const key of Object.values(ROUTING_KEYS))
    await channel.bindQueue(queue, relayEnv.EVENTS_EXCHANGE, key);
  await channel.consume(queue, (message) => {
    if (!message) return;
    received.push(storeEventSchema.parse(JSON.parse(message.content.toString())));
    channel.ack(message);
    for (const wake of waiters) wake();
    waiters.clear();
  });
});

afterAll(async () => {
  await channel.deleteQueue(relayEnv.PROJECTOR_QUEUE);
  await channel.deleteQueue(relayEnv.DEAD_LETTER_QUEUE);
  await channel.deleteExchange(relayEnv.EVENTS_EXCHANGE);
  await connection.close();
  await sql.end();
});

describe('Outbox relay', () => {
  let app: TestService;
  beforeAll(async () => {
    app = await startTestService(relayEnv);
  });
  afterAll(() => app.stop());

  it('When an order is placed, then OrderCreated arrives with exactly the payload packages/contracts defines', async () => {
    const user = await createUser(app.api);
    const product = await createProduct(app.api, 5.75, 10);
    const marked = new Promise<void>((resolve) => {
      const off = app.service.relay!.onEvent((outcome) => {
        if (outcome.kind === 'published' && outcome.events.some((e) => e.data.user_id === user.user_id)) {
          off();
          resolve();
        }
      });
    });
    const placed = await app.api.post('/orders', {
      user_id: user.user_id,
      items: [{ product_id: product, quantity: 7 }],
    });
    const [event] = await receivedWhere((e) => e.data.order_id === placed.body.order_id, 1);
    await marked; // the row is marked published once the relay's transaction commits, just after the confirm
    const [row] = (
      await sql.query<mysql.RowDataPacket[]>(
        'select sequence, event_id, published_at from outbox where event_id = ?',
        [event!.event_id],
      )
    )[0];
    expect(event).toEqual({
      event_id: row!.event_id,
      type: 'OrderCreated',
      version: 1,
      sequence: Number(row!.sequence),
      occurred_at: placed.body.created_at,
      // No traceparent: nothing traces the in-process HTTP server (tracing.int.test.ts covers the context).
      data: {
        order_id: placed.body.order_id,
        user_id: user.user_id,
        user_name: user.name,
        total_cents: 4025,
        items: [
          {
            product_id: product,
            product_name: expect.stringMatching(/^Test Product-/),
            quantity: 7,
            unit_price_cents: 575,
          },
        ],
      },
    });
    expect(row!.published_at).not.toBeNull();
  });

  it('When an order fails, then no outbox row and no message exist for it', async () => {
    const user = await createUser(app.api);
    const product = await createProduct(app.api, 1, 1);
    const refused = await app.api.post('/orders', {
      user_id: user.user_id,
      items: [{ product_id: product, quantity: 2 }],
    });
    expect(refused.status).toBe(409);
    const placed = await app.api.post('/orders', {
      user_id: user.user_id,
      items: [{ product_id: product, quantity: 1 }],
    });
    await receivedWhere((e) => e.data.order_id === placed.body.order_id, 1);
    expect(received.filter((e) => e.data.user_id === user.user_id)).toHaveLength(1);
    expect(
      await count(sql, "select count(*) from outbox where json_value(payload, '$.user_id') = ?", [
        user.user_id,
      ]),
    ).toBe(1);
  });

  it('When an order and then a user are deleted, then one OrderDeleted per order carries its data', async () => {
    const user = await createUser(app.api);
    const product = await createProduct(app.api, 2, 10);
    const orderIds: number[] = [];
    for (const quantity of [1, 2, 3]) {
      orderIds.push(
        (await app.api.post('/orders', { user_id: user.user_id, items: [{ product_id: product, quantity }] }))
          .body.order_id,
      );
    }
    await app.api.delete(`/orders/${orderIds[0]}`);
    await app.api.delete(`/users/${user.user_id}`);
    const deleted = await receivedWhere(
      (e) => e.type === 'OrderDeleted' && e.data.user_id === user.user_id,
      3,
    );
    expect(deleted.map((e) => e.data.order_id).sort()).toEqual([...orderIds].sort());
    const created = received.filter((e) => e.type === 'OrderCreated' && e.data.user_id === user.user_id);
    for (const event of deleted) {
      expect(event.data).toEqual(created.find((c) => c.data.order_id === event.data.order_id)!.data);
    }
  });
});

describe('Two relays at once', () => {
  it('When two relays drain the same backlog, then every row is published exactly once', async () => {
    const writer = await startTestService({ ...relayEnv, OUTBOX_RELAY_ENABLED: 'false' });
    const user = await createUser(writer.api);
    const product = await createProduct(writer.api, 1, 100);
    const orderIds = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const placed = await writer.api.post('/orders', {
        user_id: user.user_id,
        items: [{ product_id: product, quantity: 1 }],
      });
      orderIds.add(placed.body.order_id as number);
    }
    await writer.stop();
    const relays = await Promise.all([
      startTestService({ ...relayEnv, OUTBOX_BATCH_SIZE: '5' }),
      startTestService({ ...relayEnv, OUTBOX_BATCH_SIZE: '5' }),
    ]);
    try {
      const mine = (e: StoreEvent) => orderIds.has(e.data.order_id);
      await receivedWhere(mine, 30);
      // A relay marks its batch published when its transaction commits, just after the confirms; the rows are
      // watched in the table (both relays' own loops hold claims, so a drain() here could see nothing to do).
      const unpublished = () =>
        count(
          sql,
          "select count(*) from outbox where published_at is null and json_value(payload, '$.user_id') = ?",
          [user.user_id],
        );
      await eventually('every row marked published', async () =>
        (await unpublished()) === 0 ? true : undefined,
      );
      // Both relays stopped: whatever they published is in; nothing may have been published twice.
      await Promise.all(relays.map((relay) => relay.stop()));
      await receivedWhere(mine, 30);
      const ids = received.filter(mine).map((e) => e.event_id);
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
    } finally {
      await Promise.all(relays.map((relay) => relay.stop()));
    }
  });
});
