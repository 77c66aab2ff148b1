import { EVENT_VERSION } from '@store/contracts';
import type { BatchReads, BatchWrites, OrderWrite } from '../domain/group-commit.ports';
import { centsToDecimal } from '../domain/money';

/*
 * The statements of a batch's two round trips, with `?` placeholders that mysql2 fills in (escaped) before it
 * sends them joined into one multi-statement. No value is ever spliced into the text. db_queries_total counts
 * each statement, and 88 % of the lab's batches hold one order, so a statement per batch is one per order there:
 *
 *   round trip 1: START TRANSACTION; users; products ⋈ stocks FOR UPDATE (per 150 ids); [stored keys]
 *   round trip 2: per order INSERT orders; INSERT outbox
 *                 then INSERT order_items (all the batch's); [INSERT idempotency_keys]; UPDATE stocks (per 150 ids);
 *                 COMMIT
 *
 * Eight statements for a batch of one, two more per order (eleven before issue 16's second step; see ADR 0015).
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
 * Round trip 2. No id needs a variable or a read-back: every id the caller needs is the `insertId` of a single-row
 * INSERT, exact whatever innodb_autoinc_lock_mode is (in mode 2, MySQL 8's default, a multi-row INSERT need not get
 * consecutive ids, which is why nothing here is computed from a first id). Checked on MariaDB 10.11:
 * - per order, two statements: its `INSERT INTO orders`, then its outbox row, whose payload takes
 *   LAST_INSERT_ID() — still the order id, nothing was inserted between — and whose own insertId is the sequence;
 * - then, for the whole batch, one multi-row INSERT of the items and one of the idempotency rows: each row takes
 *   its order's id from that order's outbox row, found by its unique event id (a `const` lookup of a row this
 *   transaction just wrote). They cannot use LAST_INSERT_ID(): after several orders it is only the last one's, and
 *   order_items has an AUTO_INCREMENT id of its own (an items INSERT would move it to its first item's id).
 *   An outbox row that were missing would give a NULL order id, which the items' NOT NULL order_id refuses
 *   (error 1048, before the idempotency rows are sent: every order has items): never a wrong id.
 * So 2 statements per order and 3 per batch (items, UPDATE, COMMIT), plus one for the idempotency rows if any.
 */
export function writeStatements(writes: BatchWrites): WriteTrip {
  const { orders, createdAt } = writes;
  const statements: Statement[] = [];
  const at = orders.map((order) => ({
    order: statements.push(orderInsert(order, createdAt)) - 1,
    outbox: statements.push(outboxInsert(order, createdAt)) - 1,
  }));
  statements.push(itemsInsert(orders));
  const keyed = orders.filter((order) => order.idempotency);
  if (keyed.length > 0) statements.push(idempotencyInsert(keyed, createdAt));
  statements.push(...stockStatements(writes.stockTaken), { sql: 'COMMIT', values: [] });
  return { statements, at };
}

const orderInsert = ({ draft }: OrderWrite, createdAt: Date): Statement => ({
  sql: 'INSERT INTO orders (user_id, total_amount, created_at) VALUES (?, ?, ?)',
  values: [draft.userId, centsToDecimal(draft.totalCents), createdAt],
});

/** Right after its order's INSERT: LAST_INSERT_ID() is the order id. */
const outboxInsert = (order: OrderWrite, createdAt: Date): Statement => ({
  sql:
    'INSERT INTO outbox (event_id, type, version, payload, traceparent, created_at) ' +
    "VALUES (?, 'OrderCreated', ?, JSON_SET(?, '$.order_id', LAST_INSERT_ID()), ?, ?)",
  values: [order.eventId, EVENT_VERSION, JSON.stringify(order.payload), order.traceparent, createdAt],
});

/** The id of the order whose outbox row has this event id (`?`), as a number. */
const ORDER_ID_OF_EVENT =
  "(SELECT CAST(JSON_VALUE(payload, '$.order_id') AS UNSIGNED) FROM outbox WHERE event_id = ?)";

const itemsInsert = (orders: OrderWrite[]): Statement => {
  const items = orders.flatMap(({ eventId, draft }) => draft.lines.map((line) => ({ eventId, line })));
  return {
    sql:
      'INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES ' +
      items.map(() => `(${ORDER_ID_OF_EVENT}, ?, ?, ?)`).join(', '),
    values: items.flatMap(({ eventId, line }) => [
      eventId,
      line.productId,
      line.quantity,
      centsToDecimal(line.unitPriceCents),
    ]),
  };
};

const idempotencyInsert = (keyed: OrderWrite[], createdAt: Date): Statement => ({
  sql:
    'INSERT INTO idempotency_keys (idempotency_key, request_hash, status_code, response_body, created_at) ' +
    'VALUES ' +
    keyed.map(() => `(?, ?, 201, JSON_SET(?, '$.order_id', ${ORDER_ID_OF_EVENT}), ?)`).join(', '),
  values: keyed.flatMap((order) => [
    order.idempotency!.key,
    order.idempotency!.requestHash,
    JSON.stringify(order.view),
    order.eventId,
    createdAt,
  ]),
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
