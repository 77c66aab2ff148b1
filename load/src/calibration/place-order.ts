import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

export interface OrderLine {
  product_id: number;
  quantity: number;
}

export interface OrderRequest {
  user_id: number;
  items: OrderLine[];
}

export type OrderOutcome =
  { status: 201; body: { order_id: number } } | { status: 404 | 409; body: { error: string } };

const isId = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;

/** The minimum the transaction needs to be well-formed; nothing else is checked (this is a baseline). */
export function isOrderRequest(body: unknown): body is OrderRequest {
  const order = body as Partial<OrderRequest> | null;
  return (
    isId(order?.user_id) &&
    Array.isArray(order.items) &&
    order.items.length > 0 &&
    order.items.every((line: Partial<OrderLine>) => isId(line?.product_id) && isId(line.quantity))
  );
}

/**
 * The bare per-order transaction the issue compares orders-write with: one batched product lookup, the order
 * row, its item rows in one multi-row insert, then a conditional stock update per product line (in product-id
 * order, so two orders never take the same stock rows in opposite order and deadlock), one COMMIT. No outbox, no
 * idempotency: this measures what the database and mysql2 alone cost.
 */
export async function placeOrder(pool: Pool, order: OrderRequest): Promise<OrderOutcome> {
  const lines = [...order.items].sort((a, b) => a.product_id - b.product_id);
  const productIds = [...new Set(lines.map((line) => line.product_id))];
  const connection = await pool.getConnection();
  try {
    await connection.query('BEGIN');
    const [products] = await connection.query<RowDataPacket[]>(
      'SELECT id, price FROM products WHERE id IN (?)',
      [productIds],
    );
    const cents = new Map(products.map((row) => [row.id as number, Math.round(Number(row.price) * 100)]));
    if (cents.size !== productIds.length) return await refuse(connection, 404, 'unknown product');
    const totalCents = lines.reduce((sum, line) => sum + cents.get(line.product_id)! * line.quantity, 0);
    const [inserted] = await connection.query<ResultSetHeader>(
      'INSERT INTO orders (user_id, total_amount, created_at) VALUES (?, ?, NOW(3))',
      [order.user_id, (totalCents / 100).toFixed(2)],
    );
    const orderId = inserted.insertId;
    await connection.query('INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES ?', [
      lines.map((line) => [
        orderId,
        line.product_id,
        line.quantity,
        (cents.get(line.product_id)! / 100).toFixed(2),
      ]),
    ]);
    for (const line of lines) {
      const [updated] = await connection.query<ResultSetHeader>(
        'UPDATE stocks SET quantity = quantity - ? WHERE product_id = ? AND quantity >= ?',
        [line.quantity, line.product_id, line.quantity],
      );
      if (updated.affectedRows === 0) return await refuse(connection, 409, 'insufficient stock');
    }
    await connection.query('COMMIT');
    return { status: 201, body: { order_id: orderId } };
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}

async function refuse(
  connection: { query(sql: string): Promise<unknown> },
  status: 404 | 409,
  error: string,
): Promise<OrderOutcome> {
  await connection.query('ROLLBACK');
  return { status, body: { error } };
}
