import amqp from 'amqplib';
import type mysql from 'mysql2/promise';
import { OUTBOX_EVENT_COLUMNS, outboxRowToEvent, type StoreEvent } from '@store/contracts';
import {
  createProduct,
  createUser,
  openSql,
  ownRelayTopology,
  startTestService,
  type TestService,
} from './helpers';

/*
 * Issue 16: the writer of a batch publishes its events right after the COMMIT, without the relay's claim
 * transaction, and marks their rows published in bulk. The sweep's grace is an hour here, so nothing of this
 * run's can reach the broker through the relay's poll: what is published, the writer published.
 */
const topology = ownRelayTopology();
const statements: string[] = [];
/** Run, in turn, before the write round trip of each batch (none: the batch goes on at once). */
const beforeWrite: (() => Promise<void>)[] = [];
let app: TestService;
let sql: mysql.Connection;

beforeAll(async () => {
  app = await startTestService(
    {
      ...topology.env,
      OUTBOX_SWEEP_GRACE_MS: '3600000',
      OUTBOX_MARK_INTERVAL_MS: '50',
      ORDER_BATCH_WRITERS: '1',
    },
    {
      onQuery: (statement) => statements.push(statement),
      orderBatchHooks: { beforeWrite: async () => beforeWrite.shift()?.() },
    },
  );
  sql = await openSql();
});
afterAll(async () => {
  await app.stop();
  await topology.remove();
  await sql.end();
});

/** Resolves with the events of these orders once every one was marked published (the relay's listeners). */
function publishedOrders(orderIds: number[]): Promise<StoreEvent[]> {
  const found = new Map<number, StoreEvent>();
  return new Promise((resolve) => {
    const off = app.service.relay!.onEvent((outcome) => {
      if (outcome.kind !== 'published') return;
      for (const event of outcome.events)
        if (orderIds.includes(event.data.order_id)) found.set(event.data.order_id, event);
      if (found.size === orderIds.length) {
        off();
        resolve(orderIds.map((id) => found.get(id)!));
      }
    });
  });
}

/** Resolves once `n` orders wait in the group commit's queue. */
const queued = (n: number) =>
  new Promise<void>((resolve) => {
    const batcher = app.service.orderBatcher!;
    if (batcher.waiting >= n) return resolve();
    const off = batcher.onQueued((waiting) => {
      if (waiting < n) return;
      off();
      resolve();
    });
  });

describe('Publishing after the commit', () => {
  it('When orders commit through the group commit, then their writer publishes them as their rows read and marks the rows in bulk', async () => {
    // Arrange
    const user = await createUser(app.api);
    const productId = await createProduct(app.api, 4, 100);
    const before = statements.length;

    // Act
    const answers = await Promise.all(
      [1, 2, 3].map((quantity) =>
        app.api.post('/orders', { user_id: user.user_id, items: [{ product_id: productId, quantity }] }),
      ),
    );
    const orderIds = answers.map((answer) => answer.body.order_id as number);
    const events = await publishedOrders(orderIds);

    // Assert
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
    const [rows] = await sql.query<mysql.RowDataPacket[]>(
      `select ${OUTBOX_EVENT_COLUMNS}, published_at from outbox where event_id in (?) order by sequence`,
      [events.map((event) => event.event_id)],
    );
    expect(rows.every((row) => row.published_at !== null)).toBe(true);
    const fromRows = rows.map((row) => outboxRowToEvent(row));
    expect(fromRows.map((mapped) => (mapped.ok ? mapped.event : mapped.reason))).toEqual(
      [...events].sort((a, b) => a.sequence - b.sequence),
    );
    const ours = statements.slice(before);
    expect(ours.some((statement) => /for update skip locked/i.test(statement))).toBe(false);
    const marks = ours.filter((statement) => /^update outbox set published_at/i.test(statement));
    expect(marks.length).toBeGreaterThanOrEqual(1);
    expect(marks.length).toBeLessThanOrEqual(3);
  });

  it('When several orders share one batch, then each answer, its rows and its event carry its own order id and its own row sequence', async () => {
    // Arrange: two users, three products, orders of one to three lines, two of them with an Idempotency-Key.
    const users = [(await createUser(app.api)).user_id, (await createUser(app.api)).user_id];
    const products = [
      await createProduct(app.api, 1.5, 100),
      await createProduct(app.api, 2, 100),
      await createProduct(app.api, 3.25, 100),
    ];
    // `user` indexes `users`; each line is [index in `products`, quantity].
    const orders: { user: number; lines: [number, number][]; key?: string }[] = [
      { user: 0, lines: [[0, 1]] },
      {
        user: 1,
        lines: [
          [1, 2],
          [2, 1],
        ],
        key: 'a',
      },
      {
        user: 0,
        lines: [
          [2, 3],
          [0, 1],
          [1, 1],
        ],
      },
      { user: 1, lines: [[0, 4]], key: 'b' },
      { user: 0, lines: [[1, 5]] },
    ];
    const requests = orders.map(({ user, lines, key }) => {
      const headers: Record<string, string> = key ? { 'idempotency-key': `multi-${users[0]}-${key}` } : {};
      const items = lines.map(([product, quantity]) => ({ product_id: products[product]!, quantity }));
      return { body: { user_id: users[user]!, items }, headers };
    });
    // Order ids and sequences are two counters that move in step (one outbox row per order): while they are equal,
    // a sequence taken from the order's INSERT would pass for the right one. A deleted order's event moves the
    // sequences one ahead of the order ids.
    const probe = await app.api.post('/orders', {
      user_id: users[0],
      items: [{ product_id: products[0], quantity: 1 }],
    });
    const [[probeRow]] = await sql.query<mysql.RowDataPacket[]>(
      "select sequence from outbox where type = 'OrderCreated' and json_value(payload, '$.order_id') = ?",
      [probe.body.order_id],
    );
    if (Number(probeRow!.sequence) === probe.body.order_id) {
      expect((await app.api.delete(`/orders/${probe.body.order_id}`)).status).toBe(200);
    }
    // A lone order holds the writer before its write until all five are queued: they form the next batch.
    let release!: () => void;
    const held = new Promise<void>((resolve) =>
      beforeWrite.push(() => {
        resolve();
        return new Promise<void>((go) => (release = go));
      }),
    );
    const blocker = app.api.post('/orders', {
      user_id: users[0],
      items: [{ product_id: products[0], quantity: 1 }],
    });
    await held;
    const answers = [];
    for (const request of requests) {
      answers.push(app.api.post('/orders', request.body, { headers: request.headers }));
      await queued(answers.length); // one by one, so the batch keeps their order
    }

    // Act
    release();
    const placed = await Promise.all(answers);
    expect((await blocker).status).toBe(201);
    const orderIds = placed.map((answer) => answer.body.order_id as number);
    const events = await publishedOrders(orderIds);

    // Assert: every id and sequence is this order's own, in the database, in the answer and in the event.
    expect(placed.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(orderIds).size).toBe(5);
    for (const [i, request] of requests.entries()) {
      const orderId = orderIds[i]!;
      const [[order]] = await sql.query<mysql.RowDataPacket[]>('select user_id from orders where id = ?', [
        orderId,
      ]);
      expect(order!.user_id).toBe(request.body.user_id);
      const [items] = await sql.query<mysql.RowDataPacket[]>(
        'select product_id, quantity from order_items where order_id = ? order by id',
        [orderId],
      );
      expect(items.map((item) => ({ ...item }))).toEqual(request.body.items);
      const event = events[i]!;
      expect(event.sequence).not.toBe(orderId);
      expect(event.data).toMatchObject({ order_id: orderId, user_id: request.body.user_id });
      expect(event.data.items.map(({ product_id, quantity }) => ({ product_id, quantity }))).toEqual(
        request.body.items,
      );
      const [[row]] = await sql.query<mysql.RowDataPacket[]>(
        "select sequence, json_value(payload, '$.order_id') as order_id from outbox where event_id = ?",
        [event.event_id],
      );
      expect({ sequence: Number(row!.sequence), order_id: Number(row!.order_id) }).toEqual({
        sequence: event.sequence,
        order_id: orderId,
      });
      const key = request.headers['idempotency-key'];
      if (key) {
        const [[stored]] = await sql.query<mysql.RowDataPacket[]>(
          "select json_value(response_body, '$.order_id') as order_id from idempotency_keys where idempotency_key = ?",
          [key],
        );
        expect(Number(stored!.order_id)).toBe(orderId);
      }
    }
  });
});

/** The events that reach `queue` from now on, and a way to wait for one. */
async function deliveries(queue: string) {
  const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createChannel();
  const events: StoreEvent[] = [];
  const waiters: { matches: (event: StoreEvent) => boolean; resolve: () => void }[] = [];
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      const event = JSON.parse(message.content.toString('utf8')) as StoreEvent;
      events.push(event);
      for (const waiter of waiters.filter((w) => w.matches(event))) waiter.resolve();
    },
    { noAck: true },
  );
  return {
    events,
    until: (matches: (event: StoreEvent) => boolean) =>
      events.some(matches)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ matches, resolve })),
    close: () => connection.close(),
  };
}

describe('A nudge while a writer publishes', () => {
  // Marks far apart: the order's row stays unpublished after its writer published it, as in the window a mark
  // interval leaves, long enough for a delete's nudge to find it.
  const slowMarks = ownRelayTopology();
  let writerService: TestService;
  beforeAll(async () => {
    writerService = await startTestService({
      ...slowMarks.env,
      OUTBOX_SWEEP_GRACE_MS: '3600000',
      OUTBOX_MARK_INTERVAL_MS: '600000',
    });
  });
  afterAll(async () => {
    await writerService.stop();
    await slowMarks.remove();
  });

  it('When a delete nudges the relay, then it publishes the delete but leaves the order its writer is publishing', async () => {
    // Arrange: an order its writer published, its row not yet marked.
    const relay = writerService.service.relay!;
    const user = await createUser(writerService.api);
    const productId = await createProduct(writerService.api, 2, 10);
    const delivered = await deliveries(slowMarks.env.PROJECTOR_QUEUE!);
    const placed = await writerService.api.post('/orders', {
      user_id: user.user_id,
      items: [{ product_id: productId, quantity: 1 }],
    });
    await delivered.until((event) => event.type === 'OrderCreated'); // its writer published it
    const relayed: StoreEvent[] = [];
    const deletePublished = new Promise<void>((resolve) => {
      relay.onEvent((outcome) => {
        if (outcome.kind !== 'published') return;
        relayed.push(...outcome.events);
        if (outcome.events.some((event) => event.type === 'OrderDeleted')) resolve();
      });
    });

    // Act: the delete commits and nudges the relay.
    const deleted = await writerService.api.delete(`/orders/${placed.body.order_id}`);
    await deletePublished;
    await delivered.until((event) => event.type === 'OrderDeleted');
    await delivered.close();

    // Assert
    expect([placed.status, deleted.status]).toEqual([201, 200]);
    expect(relayed.map((event) => [event.type, event.data.order_id])).toEqual([
      ['OrderDeleted', placed.body.order_id],
    ]);
    expect(delivered.events.map((event) => event.type)).toEqual(['OrderCreated', 'OrderDeleted']);
  });
});
