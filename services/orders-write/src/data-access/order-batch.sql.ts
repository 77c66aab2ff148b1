import { EVENT_VERSION } from '@store/contracts';
import type { BatchReads, BatchWrites } from '../domain/group-commit.ports';
import { centsToDecimal } from '../domain/money';

/*
 * The statements of a batch's two round trips, with `?` placeholders that mysql2 fills in (escaped) before it
 * sends them joined into one multi-statement. Only generated names (@o0, @o1, …) are spliced into the text.
 */

export interface Statement {
  sql: string;
  values: unknown[];
}

/**
 * Beyond eq_range_index_dive_limit (200) ids, MariaDB estimates an `IN` list from statistics and may scan the
 * whole primary key, locking every stock row: two batches then deadlock. 150 ids a statement stays clear of it.
 */
export const STOCK_CHUNK = 150;

export const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, (index + 1) * size),
  );

/** Round trip 1; the stock rows are locked in product id order (as the per-order path does) so batches queue. */
export function readStatements(reads: BatchReads): Statement[] {
  const statements: Statement[] = [
    { sql: 'START TRANSACTION', values: [] },
    { sql: 'SELECT id, name FROM users WHERE id IN (?)', values: [reads.userIds] },
    { sql: 'SELECT id, name, price FROM products WHERE id IN (?)', values: [reads.productIds] },
  ];
  if (reads.idempotencyKeys.length > 0) {
    statements.push({
      sql:
        'SELECT idempotency_key, request_hash, status_code, response_body FROM idempotency_keys ' +
        'WHERE idempotency_key IN (?)',
      values: [reads.idempotencyKeys],
    });
  }
  const productIds = [...reads.productIds].sort((a, b) => a - b);
  for (const ids of chunks(productIds, STOCK_CHUNK)) {
    statements.push({
      sql: 'SELECT product_id, quantity FROM stocks WHERE product_id IN (?) ORDER BY product_id FOR UPDATE',
      values: [ids],
    });
  }
  return statements;
}

/**
 * Round trip 2. Each order's id is kept in @o<i> right after its insert: exact whatever innodb_autoinc_lock_mode
 * is (in mode 2, MySQL 8's default, a multi-row insert need not get consecutive ids). Items, outbox rows and
 * idempotency rows then go in one multi-row insert each; the ids reach the JSON through JSON_SET. The caller
 * learns each order id from its INSERT's own result (ORDER_INSERT_STRIDE statements apart), not from a SELECT.
 */
export const ORDER_INSERT_STRIDE = 2;
export function writeStatements(writes: BatchWrites): Statement[] {
  const { orders, createdAt } = writes;
  const statements: Statement[] = [];
  orders.forEach(({ draft }, i) => {
    statements.push(
      {
        sql: 'INSERT INTO orders (user_id, total_amount, created_at) VALUES (?, ?, ?)',
        values: [draft.userId, centsToDecimal(draft.totalCents), createdAt],
      },
      { sql: `SET @o${i} = LAST_INSERT_ID()`, values: [] },
    );
  });
  const items = orders.flatMap(({ draft }, i) => draft.lines.map((line) => ({ i, line })));
  statements.push({
    sql:
      'INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES ' +
      items.map(({ i }) => `(@o${i}, ?, ?, ?)`).join(', '),
    values: items.flatMap(({ line }) => [line.productId, line.quantity, centsToDecimal(line.unitPriceCents)]),
  });
  statements.push({
    sql:
      'INSERT INTO outbox (event_id, type, version, payload, traceparent, created_at) VALUES ' +
      orders.map((_, i) => `(?, 'OrderCreated', ?, JSON_SET(?, '$.order_id', @o${i}), ?, ?)`).join(', '),
    values: orders.flatMap((order) => [
      order.eventId,
      EVENT_VERSION,
      JSON.stringify(order.payload),
      order.traceparent,
      createdAt,
    ]),
  });
  const keyed = orders.flatMap((order, i) => (order.idempotency ? [{ order, i }] : []));
  if (keyed.length > 0) {
    statements.push({
      sql:
        'INSERT INTO idempotency_keys (idempotency_key, request_hash, status_code, response_body, created_at) ' +
        'VALUES ' +
        keyed.map(({ i }) => `(?, ?, 201, JSON_SET(?, '$.order_id', @o${i}), ?)`).join(', '),
      values: keyed.flatMap(({ order }) => [
        order.idempotency!.key,
        order.idempotency!.requestHash,
        JSON.stringify(order.view),
        createdAt,
      ]),
    });
  }
  statements.push(...stockStatements(writes.stockTaken));
  // The outbox sequences are read back (not computed from the first insert id: under innodb_autoinc_lock_mode
  // 2 a multi-row insert need not get consecutive ids), so the writer can publish the events it just committed.
  statements.push(
    {
      sql: 'SELECT event_id, sequence FROM outbox WHERE event_id IN (?)',
      values: [orders.map((order) => order.eventId)],
    },
    { sql: 'COMMIT', values: [] },
  );
  return statements;
}

/** One UPDATE per chunk of products: quantity minus that product's units, by CASE. */
function stockStatements(stockTaken: Map<number, number>): Statement[] {
  const taken = [...stockTaken].sort(([a], [b]) => a - b);
  return chunks(taken, STOCK_CHUNK).map((chunk) => ({
    sql:
      'UPDATE stocks SET quantity = quantity - CASE product_id ' +
      chunk.map(() => 'WHEN ? THEN ?').join(' ') +
      ' END WHERE product_id IN (?)',
    values: [...chunk.flat(), chunk.map(([productId]) => productId)],
  }));
}
