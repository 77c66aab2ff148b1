import type mysql from 'mysql2/promise';
import { parseMetrics } from '@store/testing';
import type { OrderBatcher } from '../src/domain/group-commit';
import {
  count,
  createProduct,
  createUser,
  openSql,
  startTestService,
  stockOf,
  type TestService,
} from './helpers';

/*
 * The group commit on real MariaDB. Batches are made deterministic with the store's test hooks: the writer is
 * held before the write round trip of one batch while the next orders queue behind it (awaited through the
 * batcher's onQueued hook, never slept for); a hook can also KILL the batch's session or lose its answer.
 */
type WriteFault = (threadId: number) => Promise<void>;
const beforeWrite: WriteFault[] = [];
const afterWrite: WriteFault[] = [];
/** Every statement the service sent (the relay is off: between requests nothing else talks to MySQL). */
const statements: string[] = [];
let app: TestService;
let sql: mysql.Connection;
let batcher: OrderBatcher;

beforeAll(async () => {
  app = await startTestService(
    { ORDER_BATCHING: 'on', ORDER_BATCH_WRITERS: '1' },
    {
      orderBatchHooks: {
        beforeWrite: async (threadId) => beforeWrite.shift()?.(threadId),
        afterWrite: async (threadId) => afterWrite.shift()?.(threadId),
      },
      onQuery: (statement) => statements.push(statement),
    },
  );
  sql = await openSql();
  batcher = app.service.orderBatcher!;
});
afterAll(async () => {
  await sql.end();
  await app.stop();
});

/** Resolves once `n` orders wait in the queue. */
const queued = (n: number) =>
  new Promise<void>((resolve) => {
    if (batcher.waiting >= n) return resolve();
    const off = batcher.onQueued((waiting) => {
      if (waiting < n) return;
      off();
      resolve();
    });
  });

/**
 * Places `first` and holds its batch before its write, queues `orders` one by one (so their batch keeps their
 * order), then lets the writer go: the queued orders form the next batch, whose faults are `faults`.
 */
async function inOneBatch(
  orders: { body: object; key?: string }[],
  faults: { beforeWrite?: WriteFault[]; afterWrite?: WriteFault[] } = {},
) {
  const blockerUser = await createUser(app.api);
  const blockerProduct = await createProduct(app.api, 1, 1);
  afterWrite.push(() => Promise.resolve());
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    beforeWrite.push(() => {
      resolve();
      return new Promise<void>((go) => (release = go));
    });
  });
  const blocker = app.api.post('/orders', {
    user_id: blockerUser.user_id,
    items: [{ product_id: blockerProduct, quantity: 1 }],
  });
  await held;
  const post = (body: object, headers: Record<string, string>) => app.api.post('/orders', body, { headers });
  const answers: ReturnType<typeof post>[] = [];
  for (const [index, order] of orders.entries()) {
    answers.push(post(order.body, order.key ? { 'idempotency-key': order.key } : {}));
    await queued(index + 1);
  }
  beforeWrite.push(...(faults.beforeWrite ?? []));
  afterWrite.push(...(faults.afterWrite ?? []));
  release();
  expect((await blocker).status).toBe(201);
  return Promise.all(answers);
}

const scrape = async () => parseMetrics((await app.api.get('/metrics')).body as string);
const outboxRowsOf = (orderId: number) =>
  count(
    sql,
    "select count(*) from outbox where type = 'OrderCreated' and json_value(payload, '$.order_id') = ?",
    [orderId],
  );
const ordersOf = (userId: number) => count(sql, 'select count(*) from orders where user_id = ?', [userId]);
const line = (userId: number, productId: number, quantity: number) => ({
  body: { user_id: userId, items: [{ product_id: productId, quantity }] },
});

describe('Group commit', () => {
  it('When an order is alone in its batch, then the batch is 8 statements, counted in db_queries_total', async () => {
    const user = await createUser(app.api);
    const product = await createProduct(app.api, 1.25, 10);
    const before = await scrape();
    const from = statements.length;
    const answer = await app.api.post('/orders', line(user.user_id, product, 2).body);
    expect(answer.status).toBe(201);
    // START; users; products ⋈ stocks FOR UPDATE | INSERT orders; outbox; order_items; UPDATE stocks; COMMIT.
    expect(statements.slice(from).map((statement) => /^\s*(\w+(?: INTO \w+)?)/i.exec(statement)![1])).toEqual(
      [
        'START',
        'SELECT',
        'SELECT',
        'INSERT INTO orders',
        'INSERT INTO outbox',
        'INSERT INTO order_items',
        'UPDATE',
        'COMMIT',
      ],
    );
    const after = await scrape();
    expect(after.value('db_queries_total') - before.value('db_queries_total')).toBe(8);
    expect(await stockOf(app.api, product)).toBe(8);
    expect(await outboxRowsOf(answer.body.order_id)).toBe(1);
  });

  it('When the third order of a batch is short, then it alone gets 409 and the others commit with exact stock', async () => {
    const user = await createUser(app.api);
    const product = await createProduct(app.api, 4.2, 10);
    const before = await scrape();
    const answers = await inOneBatch(
      [3, 3, 5, 2, 2].map((quantity) => line(user.user_id, product, quantity)),
    );
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 409, 201, 201]);
    expect(answers[2]!.body.details).toEqual([{ product_id: product, requested: 5, available: 4 }]);
    expect(answers[0]!.body).toMatchObject({ user_id: user.user_id, total_amount: 12.6 });
    expect(await stockOf(app.api, product)).toBe(0);
    expect(await ordersOf(user.user_id)).toBe(4);
    for (const answer of answers.filter((a) => a.status === 201)) {
      expect(await outboxRowsOf(answer.body.order_id)).toBe(1);
      expect((await app.api.get(`/orders/${answer.body.order_id}`)).body).toEqual(answer.body);
    }
    const after = await scrape();
    // Two batches: the blocker alone, then the five queued behind it.
    expect(after.value('order_batch_size_count') - before.value('order_batch_size_count')).toBe(2);
    expect(after.value('order_batch_size_sum') - before.value('order_batch_size_sum')).toBe(6);
  });

  it("When the batch's session is killed between its round trips, then it runs again and each order is stored and answered once", async () => {
    const user = await createUser(app.api);
    const product = await createProduct(app.api, 2, 10);
    const before = await scrape();
    const kill: WriteFault = async (threadId) => void (await sql.query('KILL ?', [threadId]));
    const answers = await inOneBatch(
      [1, 2, 3].map((q) => line(user.user_id, product, q)),
      { beforeWrite: [kill] },
    );
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
    const ids = answers.map((answer) => answer.body.order_id as number);
    expect(new Set(ids).size).toBe(3);
    expect(await ordersOf(user.user_id)).toBe(3);
    for (const id of ids) expect(await outboxRowsOf(id)).toBe(1);
    expect(await stockOf(app.api, product)).toBe(4);
    const retried = (await scrape()).value('order_batch_retries_total', { reason: 'unknown' });
    expect(retried - before.value('order_batch_retries_total', { reason: 'unknown' })).toBe(1);
  });

  it('When the answer to a committed batch is lost, then its orders are answered from the outbox and written once', async () => {
    const user = await createUser(app.api);
    const product = await createProduct(app.api, 2, 10);
    const before = await scrape();
    const loseAnswer: WriteFault = () => Promise.reject(new Error('answer lost after COMMIT'));
    const answers = await inOneBatch(
      [1, 1].map((q) => line(user.user_id, product, q)),
      { afterWrite: [loseAnswer] },
    );
    expect(answers.map((answer) => answer.status)).toEqual([201, 201]);
    const [rows] = await sql.query<mysql.RowDataPacket[]>(
      'select id from orders where user_id = ? order by id',
      [user.user_id],
    );
    expect(rows.map((row) => row.id)).toEqual(
      answers.map((answer) => answer.body.order_id).sort((a, b) => a - b),
    );
    expect(await stockOf(app.api, product)).toBe(8);
    const after = await scrape();
    expect(after.value('order_batch_retries_total') - before.value('order_batch_retries_total')).toBe(0);
  });

  it('When a user is deleted between the batch reads and writes, then only that order fails (422) and the rest commit', async () => {
    const [stays, goes] = [await createUser(app.api), await createUser(app.api)];
    const product = await createProduct(app.api, 1, 10);
    const before = await scrape();
    const deleteUser: WriteFault = async () =>
      void (await sql.query('delete from users where id = ?', [goes.user_id]));
    const answers = await inOneBatch(
      [stays, goes, stays].map((user) => line(user.user_id, product, 2)),
      { beforeWrite: [deleteUser] },
    );
    expect(answers.map((answer) => answer.status)).toEqual([201, 422, 201]);
    expect(answers[1]!.body.code).toBe('UNKNOWN_USER');
    expect(await ordersOf(stays.user_id)).toBe(2);
    expect(await stockOf(app.api, product)).toBe(6);
    const split = (await scrape()).value('order_batch_retries_total', { reason: 'split' });
    expect(split - before.value('order_batch_retries_total', { reason: 'split' })).toBe(1);
  });

  it('When two requests with one Idempotency-Key share a batch, then one order is written and both get its answer', async () => {
    const user = await createUser(app.api);
    const product = await createProduct(app.api, 3, 10);
    const key = `batch-key-${user.user_id}`;
    const answers = await inOneBatch([
      { ...line(user.user_id, product, 1), key },
      { ...line(user.user_id, product, 1), key },
      { ...line(user.user_id, product, 2), key },
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 422]);
    expect(answers[0]!.headers.get('idempotent-replayed')).toBeNull();
    expect(answers[1]!.headers.get('idempotent-replayed')).toBe('true');
    expect(answers[1]!.body).toEqual(answers[0]!.body);
    expect(answers[2]!.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await ordersOf(user.user_id)).toBe(1);
    expect(await stockOf(app.api, product)).toBe(9);
    const later = await app.api.post('/orders', line(user.user_id, product, 1).body, {
      headers: { 'idempotency-key': key },
    });
    expect(later.headers.get('idempotent-replayed')).toBe('true');
    expect(later.body).toEqual(answers[0]!.body);
  });

  it('When 200 buyers race for the last 50 units, then none is oversold, every 201 is stored, and batches form', async () => {
    const buyers = await Promise.all(Array.from({ length: 10 }, () => createUser(app.api)));
    const product = await createProduct(app.api, 9.99, 50);
    const before = await scrape();
    const quantities = Array.from({ length: 200 }, (_, i) => 1 + (i % 3));
    const answers = await Promise.all(
      quantities.map((quantity, i) =>
        app.api.post('/orders', line(buyers[i % 10]!.user_id, product, quantity).body),
      ),
    );
    const placed = answers.flatMap((answer, i) =>
      answer.status === 201 ? [{ answer, quantity: quantities[i]! }] : [],
    );
    const sold = placed.reduce((sum, { quantity }) => sum + quantity, 0);
    expect(answers.every((answer) => answer.status === 201 || answer.status === 409)).toBe(true);
    expect(sold).toBeLessThanOrEqual(50);
    expect(await stockOf(app.api, product)).toBe(50 - sold);
    expect(await count(sql, 'select count(*) from order_items where product_id = ?', [product])).toBe(
      placed.length,
    );
    const ids = placed.map(({ answer }) => answer.body.order_id as number);
    expect(
      await count(sql, "select count(*) from outbox where json_value(payload, '$.order_id') in (?)", [ids]),
    ).toBe(placed.length);
    const after = await scrape();
    const batches = after.value('order_batch_size_count') - before.value('order_batch_size_count');
    const lone =
      after.value('order_batch_size_bucket', { le: '1' }) -
      before.value('order_batch_size_bucket', { le: '1' });
    expect(batches - lone).toBeGreaterThan(0);
    expect(after.value('order_batch_size_sum') - before.value('order_batch_size_sum')).toBe(200);
  });
});
