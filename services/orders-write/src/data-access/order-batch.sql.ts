import { EVENT_VERSION } from '@store/contracts';
import type { BatchReads, BatchWrites, OrderWrite } from '../domain/group-commit.ports';
import { centsToDecimal } from '../domain/money';

/*
 * The statements of a batch's two round trips, with `?` placeholders that mysql2 fills in (escaped) before it
 * sends them joined into one multi-statement. No value is ever spliced into the text. db_queries_total counts
 * each statement, and 88 % of the lab's batches hold one order, so a statement per batch is one per order there:
 *
 *   round trip 1: START TRANSACTION; users; products ⋈ stocks FOR UPDATE (per 150 ids); [stored keys]
 *   round trip 2, per order: INSERT orders; [INSERT idempotency_keys]; INSERT order_items; INSERT outbox
 *                then: UPDATE stocks (per 150 ids); COMMIT
 *
 * Eight statements for a batch of one (eleven before issue 16's second step; see ADR 0015).
 */

export interface Statement {
  sql: string;
  values: unknown[];
}

/**
 * Beyond eq_range_index_dive_limit (200) ids, MariaDB estimates an `IN` list from statistics and may scan the
 * whole primary key, locking every row: two batches then deadlock. 150 ids a statement stays clear of it.
 */
export const STOCK_CHUNK = 150;

export const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, (index + 1) * size),
  );

/** Round trip 1, and where each read's result is among the statements' results. */
export interface ReadTrip {
  statements: Statement[];
  at: { users: number; catalogue: number[]; storedAnswers: number | undefined };
}

/**
 * Round trip 1. Products and their stock rows are read by one locking read, in product id order (as the per-order
 * path locks its stock rows), so batches queue behind each other instead of deadlocking:
 * - `products LEFT JOIN stocks` keeps products as the outer table, so the plan is a primary-key range over
 *   products in id order with one stock row looked up per product: each product row, then its stock row, in
 *   ascending id (checked with EXPLAIN on MariaDB 10.11). A product without a stock row comes back with a NULL
 *   quantity (0 available, as before); an unknown product does not come back (refused, as before).
 * - FOR UPDATE now also locks the product rows until the COMMIT. Judged acceptable: plain reads of the
 *   catalogue and the reports do not wait; a price change, a product deletion or a new stock row for these
 *   products waits for the batch (milliseconds), as it already waited for the stock rows; an unknown id past
 *   the last product gap-locks the end of `products`, so creating a product waits for that batch too. The lock
 *   order product → stock is the one a product deletion (cascading to its stock row) and a new stock row (the
 *   foreign-key check first) already take, and the batch's items no longer take a foreign-key lock on a product
 *   row after holding its stock row. The per-order path (ORDER_BATCHING=off) still does (stock rows, then its
 *   items' foreign-key locks): replicas running both paths at once on the same products could deadlock, which
 *   is a `conflict` retried like any other; one deployment runs one path.
 */
export function readStatements(reads: BatchReads): ReadTrip {
  const statements: Statement[] = [
    { sql: 'START TRANSACTION', values: [] },
    { sql: 'SELECT id, name FROM users WHERE id IN (?)', values: [reads.userIds] },
  ];
  const productIds = [...reads.productIds].sort((a, b) => a - b);
  const catalogue = chunks(productIds, STOCK_CHUNK).map(
    (ids) =>
      statements.push({
        sql:
          'SELECT p.id, p.name, p.price, s.quantity FROM products p LEFT JOIN stocks s ON s.product_id = p.id ' +
          'WHERE p.id IN (?) ORDER BY p.id FOR UPDATE',
        values: [ids],
      }) - 1,
  );
  let storedAnswers: number | undefined;
  if (reads.idempotencyKeys.length > 0) {
    storedAnswers =
      statements.push({
        sql:
          'SELECT idempotency_key, request_hash, status_code, response_body FROM idempotency_keys ' +
          'WHERE idempotency_key IN (?)',
        values: [reads.idempotencyKeys],
      }) - 1;
  }
  return { statements, at: { users: 1, catalogue, storedAnswers } };
}

/** Round trip 2, and for each order (in the order of `writes.orders`) where its ids are among the results. */
export interface WriteTrip {
  statements: Statement[];
  /** The result of its `INSERT INTO orders` (insertId: the order id) and of its outbox INSERT (the sequence). */
  at: { order: number; outbox: number }[];
}

/**
 * Round trip 2. Each order is written by its own short statements, and no id needs a variable or a trailing
 * SELECT: every id the caller needs is the `insertId` of a single-row INSERT, exact whatever
 * innodb_autoinc_lock_mode is (in mode 2, MySQL 8's default, a multi-row INSERT need not get consecutive ids,
 * which is why nothing here is computed from a first id). Within an order, in this order (checked on MariaDB):
 * 1. `INSERT INTO orders`: LAST_INSERT_ID() is now the order id.
 * 2. its idempotency row: idempotency_keys has no AUTO_INCREMENT column, so LAST_INSERT_ID() stays the order id.
 * 3. its items, one multi-row INSERT: LAST_INSERT_ID() is read once per row but is the previous statement's id
 *    for the whole statement, so every row gets the order id. order_items has an AUTO_INCREMENT id, so afterwards
 *    LAST_INSERT_ID() is the id of this insert's first item row (ours, in any lock mode).
 * 4. its outbox row, last: the payload's order_id is that first item row's order_id (a primary-key lookup of a
 *    row this transaction just wrote); the row's own insertId is the event's sequence.
 * One statement per order more than a shared multi-row insert would take, so large batches pay more statements
 * than before (ADR 0015 has the counts): the lab's batches are mostly of one order.
 */
export function writeStatements(writes: BatchWrites): WriteTrip {
  const statements: Statement[] = [];
  const at = writes.orders.map((order) => {
    const orderAt = statements.push(orderInsert(order, writes.createdAt)) - 1;
    if (order.idempotency) statements.push(idempotencyInsert(order, writes.createdAt));
    statements.push(itemsInsert(order));
    const outboxAt = statements.push(outboxInsert(order, writes.createdAt)) - 1;
    return { order: orderAt, outbox: outboxAt };
  });
  statements.push(...stockStatements(writes.stockTaken), { sql: 'COMMIT', values: [] });
  return { statements, at };
}

const orderInsert = ({ draft }: OrderWrite, createdAt: Date): Statement => ({
  sql: 'INSERT INTO orders (user_id, total_amount, created_at) VALUES (?, ?, ?)',
  values: [draft.userId, centsToDecimal(draft.totalCents), createdAt],
});

/** Right after the order's INSERT: LAST_INSERT_ID() is its id. */
const idempotencyInsert = (order: OrderWrite, createdAt: Date): Statement => ({
  sql:
    'INSERT INTO idempotency_keys (idempotency_key, request_hash, status_code, response_body, created_at) ' +
    "VALUES (?, ?, 201, JSON_SET(?, '$.order_id', LAST_INSERT_ID()), ?)",
  values: [order.idempotency!.key, order.idempotency!.requestHash, JSON.stringify(order.view), createdAt],
});

/** Right after the order's INSERT (or its idempotency row's): every row takes LAST_INSERT_ID(), the order id. */
const itemsInsert = ({ draft }: OrderWrite): Statement => ({
  sql:
    'INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES ' +
    draft.lines.map(() => '(LAST_INSERT_ID(), ?, ?, ?)').join(', '),
  values: draft.lines.flatMap((line) => [line.productId, line.quantity, centsToDecimal(line.unitPriceCents)]),
});

/** Right after the order's items: LAST_INSERT_ID() is its first item row's id, whose order_id is the order's. */
const outboxInsert = (order: OrderWrite, createdAt: Date): Statement => ({
  sql:
    'INSERT INTO outbox (event_id, type, version, payload, traceparent, created_at) ' +
    "VALUES (?, 'OrderCreated', ?, JSON_SET(?, '$.order_id', " +
    '(SELECT order_id FROM order_items WHERE id = LAST_INSERT_ID())), ?, ?)',
  values: [order.eventId, EVENT_VERSION, JSON.stringify(order.payload), order.traceparent, createdAt],
});

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
