import { createPool, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { Redis } from 'ioredis';
import { uniqueEmail, uniqueName, uniqueSku, testDatabase } from '@store/testing';
import { CLOSED_PORT, REDIS_URL, deleteKeys, seedProjection, startReports, uniquePrefix } from './helpers';

/*
 * The database is shared with other tests, so the rows here dominate it instead of assuming empty tables:
 * the users spend hundreds of millions and two products sell hundreds of millions of units, far beyond
 * anything another test creates; assertions read only the top places, which are therefore ours.
 */
const database = testDatabase();
const pool = createPool({ host: '127.0.0.1', user: 'root', password: '', database, connectionLimit: 2 });
const redis = new Redis(REDIS_URL);
const prefix = uniquePrefix();

const insert = async (sql: string, values: unknown[]): Promise<number> =>
  (await pool.query<ResultSetHeader>(sql, values))[0].insertId;
const addUser = (tag: string) =>
  insert('INSERT INTO users (name, email) VALUES (?, ?)', [uniqueName(tag), uniqueEmail(tag)]);
const addProduct = (tag: string, price: string) =>
  insert('INSERT INTO products (name, sku, price) VALUES (?, ?, ?)', [
    uniqueName(tag),
    uniqueSku(tag),
    price,
  ]);

/** One order with its lines; total_amount is Σ quantity × unit_price as orders-write stores it. */
async function addOrder(userId: number, lines: [productId: number, quantity: number, unitPrice: string][]) {
  const cents = lines.reduce(
    (sum, [, quantity, price]) => sum + quantity * Math.round(Number(price) * 100),
    0,
  );
  const total = (cents / 100).toFixed(2);
  const orderId = await insert(
    'INSERT INTO orders (user_id, total_amount, created_at) VALUES (?, ?, NOW(3))',
    [userId, total],
  );
  for (const [productId, quantity, price] of lines) {
    await insert('INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES (?, ?, ?, ?)', [
      orderId,
      productId,
      quantity,
      price,
    ]);
  }
  return orderId;
}

async function namesOf(table: 'users' | 'products', ids: number[]) {
  const [rows] = await pool.query<(RowDataPacket & { id: number; name: string })[]>(
    `SELECT id, name FROM ${table} WHERE id IN (?)`,
    [ids],
  );
  return (id: number): string => rows.find((row) => row.id === id)!.name;
}

const users: number[] = [];
const products: number[] = [];

afterAll(async () => {
  if (users.length) await pool.query('DELETE FROM orders WHERE user_id IN (?)', [users]);
  if (users.length) await pool.query('DELETE FROM users WHERE id IN (?)', [users]);
  if (products.length) await pool.query('DELETE FROM products WHERE id IN (?)', [products]);
  await pool.end();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe('reports from MySQL (comparison mode)', () => {
  test('When the same orders are in MySQL and in the projection, then both sources answer identically', async () => {
    // Arrange: u1 and u2 tie on money (one order vs two), px and py tie on units; u4's only order is deleted.
    const [u1, u2, u3, u4] = [
      await addUser('u1'),
      await addUser('u2'),
      await addUser('u3'),
      await addUser('u4'),
    ];
    const [pm, px, py] = [
      await addProduct('pm', '99999999.99'),
      await addProduct('px', '0.01'),
      await addProduct('py', '0.01'),
    ];
    users.push(u1, u2, u3, u4);
    products.push(pm, px, py);
    await addOrder(u1, [
      [pm, 7, '99999999.99'],
      [px, 300_000_000, '0.01'],
    ]);
    await addOrder(u2, [[pm, 7, '99999999.99']]);
    await addOrder(u2, [[py, 300_000_000, '0.01']]);
    await addOrder(u3, [[pm, 8, '99999999.99']]);
    const deleted = await addOrder(u4, [[px, 5, '0.01']]);
    await pool.query('DELETE FROM orders WHERE id = ?', [deleted]);
    const userName = await namesOf('users', users);
    const productName = await namesOf('products', products);
    // The projection as the projector would have built it from the same orders' events (money in cents).
    await seedProjection(redis, prefix, {
      dataAsOf: new Date().toISOString(),
      spenders: [
        { id: u1, name: userName(u1), score: 70_299_999_993 },
        { id: u2, name: userName(u2), score: 70_299_999_993 },
        { id: u3, name: userName(u3), score: 79_999_999_992 },
        { id: u4, name: userName(u4), score: 0 },
      ],
      bestSellers: [
        { id: pm, name: productName(pm), score: 22 },
        { id: px, name: productName(px), score: 300_000_000 },
        { id: py, name: productName(py), score: 300_000_000 },
      ],
    });
    const fromMysql = await startReports({
      REPORTS_SOURCE: 'mysql',
      REPORT_CACHE_TTL_SECONDS: '0',
      REDIS_KEY_PREFIX: prefix,
    });
    const fromProjection = await startReports({ REPORT_CACHE_TTL_SECONDS: '0', REDIS_KEY_PREFIX: prefix });

    try {
      // Act
      const spenders = await Promise.all(
        [fromMysql, fromProjection].map((r) => r.http.get('/orders/reports/highest-spenders?limit=3')),
      );
      const sellers = await Promise.all(
        [fromMysql, fromProjection].map((r) => r.http.get('/orders/reports/best-sellers?limit=2')),
      );

      // Assert
      expect(spenders[0]!.body).toEqual([
        { user_id: u3, name: userName(u3), total_expense: 799999999.92 },
        { user_id: u1, name: userName(u1), total_expense: 702999999.93 },
        { user_id: u2, name: userName(u2), total_expense: 702999999.93 },
      ]);
      expect(spenders[1]!.body).toEqual(spenders[0]!.body);
      expect(sellers[0]!.body).toEqual([
        { product_id: px, name: productName(px), quantity_sold: 300_000_000 },
        { product_id: py, name: productName(py), quantity_sold: 300_000_000 },
      ]);
      expect(sellers[1]!.body).toEqual(sellers[0]!.body);
      expect(spenders.map((a) => a.headers.get('x-report-source'))).toEqual(['mysql', 'projection']);
      expect(Date.parse(spenders[0]!.headers.get('x-data-as-of')!)).not.toBeNaN();
    } finally {
      await fromMysql.server.stop();
      await fromProjection.server.stop();
    }
  });

  test('When the projection is missing (lost, being rebuilt), then MySQL answers, uncached, until the projection is back', async () => {
    const own = uniquePrefix();
    const fromMysql = await startReports({ REPORTS_SOURCE: 'mysql', REPORT_CACHE_TTL_SECONDS: '0' });
    const withFallback = await startReports({ REDIS_KEY_PREFIX: own, REPORT_CACHE_TTL_SECONDS: '60' });
    try {
      const truth = await fromMysql.http.get('/orders/reports/best-sellers?limit=3');
      const meanwhile = await withFallback.http.get('/orders/reports/best-sellers?limit=3');
      expect(meanwhile.status).toBe(200);
      expect(meanwhile.body).toEqual(truth.body);
      expect(meanwhile.headers.get('x-report-source')).toBe('mysql');
      expect(meanwhile.headers.get('cache-control')).toBe('no-store');
      expect(await redis.keys(`${own}report-cache:*`)).toEqual([]);

      await seedProjection(redis, own, { bestSellers: [{ id: 5, name: 'Back', score: 3 }] });
      const back = await withFallback.http.get('/orders/reports/best-sellers?limit=3');
      expect(back.body).toEqual([{ product_id: 5, name: 'Back', quantity_sold: 3 }]);
      expect(back.headers.get('x-report-source')).toBe('projection');
      expect(back.headers.get('cache-control')).toMatch(/^max-age=(59|60)$/);
      expect(await redis.keys(`${own}report-cache:*`)).toHaveLength(1);
    } finally {
      await fromMysql.server.stop();
      await withFallback.server.stop();
      await deleteKeys(redis, own);
    }
  });

  test('When MySQL is unreachable in mysql mode, then reports answer 503 UNAVAILABLE and readiness names it', async () => {
    const down = await startReports({
      REPORTS_SOURCE: 'mysql',
      MYSQL_PORT: String(CLOSED_PORT),
      REDIS_KEY_PREFIX: uniquePrefix(),
    });
    try {
      const answer = await down.http.get('/orders/reports/best-sellers');
      expect(answer).toMatchObject({ status: 503, body: { code: 'UNAVAILABLE', error: expect.any(String) } });
      const ready = await down.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toMatchObject({ redis: 'ok', mysql: expect.not.stringMatching(/^ok$/) });
    } finally {
      await down.server.stop();
    }
  });

  test('When Redis is unreachable in mysql mode, then reports still answer 503, never a non-array 200', async () => {
    const down = await startReports({
      REPORTS_SOURCE: 'mysql',
      REDIS_URL: `redis://127.0.0.1:${CLOSED_PORT}`,
    });
    try {
      expect(await down.http.get('/orders/reports/highest-spenders')).toMatchObject({
        status: 503,
        body: { code: 'UNAVAILABLE' },
      });
    } finally {
      await down.server.stop();
    }
  });
});
