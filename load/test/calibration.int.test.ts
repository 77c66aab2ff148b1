import { randomUUID } from 'node:crypto';
import { createConnection, type Connection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { calibrationSettings } from '../src/calibration/config';
import { start, type CalibrationServer } from '../src/calibration/order-server';

/*
 * The calibration server against the integration database (store_manager_test, migrated by the int tier's global
 * set-up). Its rows are created here with SQL, unique per run, so the test owns them.
 */
describe('calibration order server', () => {
  let server: CalibrationServer;
  let sql: Connection;

  beforeAll(async () => {
    const settings = calibrationSettings({
      ...process.env,
      CALIBRATION_PORT: '0',
      CALIBRATION_POOL_MAX: '2',
    });
    server = await start(settings);
    sql = await createConnection(settings.mysql);
  });

  afterAll(async () => {
    await server?.stop();
    await sql?.end();
  });

  const insert = async (statement: string, values: unknown[]) =>
    (await sql.query<ResultSetHeader>(statement, values))[0].insertId;

  async function productWithStock(price: string, quantity: number): Promise<number> {
    const id = await insert('INSERT INTO products (name, sku, price) VALUES (?, ?, ?)', [
      'calibration product',
      `CAL-${randomUUID().slice(0, 12)}`,
      price,
    ]);
    await insert('INSERT INTO stocks (product_id, quantity) VALUES (?, ?)', [id, quantity]);
    return id;
  }

  const stockOf = async (productId: number) =>
    (await sql.query<RowDataPacket[]>('SELECT quantity FROM stocks WHERE product_id = ?', [productId]))[0][0]!
      .quantity as number;

  const postOrder = async (body: unknown) => {
    const response = await fetch(`${server.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('When an order is placed and then one is short of stock, then the first commits whole and the second not at all', async () => {
    // Arrange
    const userId = await insert('INSERT INTO users (name, email) VALUES (?, ?)', [
      'calibration buyer',
      `calibration-${randomUUID()}@example.test`,
    ]);
    const laptop = await productWithStock('12.50', 5);
    const cable = await productWithStock('3.10', 5);

    // Act
    const placed = await postOrder({
      user_id: userId,
      items: [
        { product_id: cable, quantity: 1 },
        { product_id: laptop, quantity: 2 },
      ],
    });
    const short = await postOrder({
      user_id: userId,
      items: [
        { product_id: laptop, quantity: 1 },
        { product_id: cable, quantity: 10 },
      ],
    });

    // Assert
    expect(placed.status).toBe(201);
    expect(short).toEqual({ status: 409, body: { error: 'insufficient stock' } });
    const [orders] = await sql.query<RowDataPacket[]>(
      'SELECT id, total_amount FROM orders WHERE user_id = ?',
      [userId],
    );
    expect(orders).toEqual([{ id: placed.body.order_id, total_amount: '28.10' }]);
    const [items] = await sql.query<RowDataPacket[]>(
      'SELECT product_id, quantity, unit_price FROM order_items WHERE order_id = ? ORDER BY product_id',
      [placed.body.order_id],
    );
    expect(items).toEqual([
      { product_id: laptop, quantity: 2, unit_price: '12.50' },
      { product_id: cable, quantity: 1, unit_price: '3.10' },
    ]);
    // The short order's laptop line was updated before the cable line failed: rolled back with it.
    expect(await stockOf(laptop)).toBe(3);
    expect(await stockOf(cable)).toBe(4);
  });

  it('When the order names an unknown product or is malformed, then it is refused with 404 or 400', async () => {
    expect((await postOrder({ user_id: 1, items: [{ product_id: 2 ** 31, quantity: 1 }] })).status).toBe(404);
    expect((await postOrder({ user_id: 1, items: [] })).status).toBe(400);
  });
});
