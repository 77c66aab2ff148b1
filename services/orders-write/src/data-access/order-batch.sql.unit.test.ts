import { planBatch, readsOf, type QueuedOrder } from '../domain/group-commit-plan';
import type { BatchFacts } from '../domain/group-commit.ports';
import { readStatements, writeStatements, type Statement } from './order-batch.sql';

/*
 * The statement count of a batch is what db_queries_total and MariaDB pay per batch, and at the lab's load most
 * batches hold one order: these counts are held here (ADR 0015 has them before and after issue 16's SQL step).
 * The batches are planned by the real rules, over the lab's four products.
 */
const products = [1, 2, 3, 4];
const facts: BatchFacts = {
  users: new Map([[1, 'Ada']]),
  products: new Map(products.map((id) => [id, { id, name: `P${id}`, priceCents: 100 * id }])),
  stock: new Map(products.map((id) => [id, 1_000_000])),
  storedAnswers: new Map(),
};
let nextEvent = 0;
const context = { now: new Date('2026-12-06T04:00:00Z'), newEventId: () => `event-${nextEvent++}` };

/** `size` orders of 1–3 lines each over products 1–4; every `keyEvery`-th one with an Idempotency-Key. */
function batchOf(size: number, keyEvery = 0): QueuedOrder[] {
  return Array.from({ length: size }, (_, i) => ({
    command: {
      userId: 1,
      items: products.slice(0, 1 + (i % 3)).map((productId) => ({ productId, quantity: 1 })),
      ...(keyEvery > 0 && i % keyEvery === 0 ? { idempotencyKey: `key-${i}` } : {}),
    },
    requestHash: `hash-${i}`,
    traceparent: null,
  }));
}

function tripsOf(orders: QueuedOrder[]) {
  const reads = readStatements(readsOf(orders));
  const writes = writeStatements(planBatch(orders, facts, context).writes);
  return { reads, writes, total: reads.statements.length + writes.statements.length };
}

const firstWords = (statements: Statement[]) =>
  statements.map((statement) => /^\s*(\w+(?: INTO \w+)?)/i.exec(statement.sql)![1]);

describe('The statements of a batch', () => {
  it('When a batch holds one order, then it is 8 statements in its two round trips', () => {
    const { reads, writes, total } = tripsOf(batchOf(1));
    expect(firstWords(reads.statements)).toEqual(['START', 'SELECT', 'SELECT']);
    expect(firstWords(writes.statements)).toEqual([
      'INSERT INTO orders',
      'INSERT INTO outbox',
      'INSERT INTO order_items',
      'UPDATE',
      'COMMIT',
    ]);
    expect(total).toBe(8);
  });

  it.each([
    [1, 8],
    [2, 10],
    [10, 26],
    [50, 106],
  ])(
    'When a batch holds %i orders without keys, then it is %i statements (2 per order, 6 per batch)',
    (size, count) => {
      expect(tripsOf(batchOf(size)).total).toBe(count);
    },
  );

  it('When orders carry an Idempotency-Key, then the batch reads the keys once and writes them in one INSERT', () => {
    // 10 orders, keys on orders 0, 3, 6, 9.
    expect(tripsOf(batchOf(10, 3)).total).toBe(26 + 2);
    expect(tripsOf(batchOf(1, 1)).total).toBe(8 + 2);
  });

  it('When a batch writes, then each id the caller reads is the insertId of a single-row INSERT, and no variable is used', () => {
    const orders = batchOf(5, 2);
    const { writes } = tripsOf(orders);
    expect(writes.at).toHaveLength(5);
    for (const at of writes.at) {
      expect(writes.statements[at.order]!.sql).toMatch(/^INSERT INTO orders .* VALUES \([^)]*\)$/);
      // Right after its order's INSERT, so LAST_INSERT_ID() in its payload is the order id.
      expect(at.outbox).toBe(at.order + 1);
      expect(writes.statements[at.outbox]!.sql).toMatch(/^INSERT INTO outbox .*LAST_INSERT_ID\(\)/);
    }
    // Items and idempotency rows find their order's id through its outbox row's event id.
    const events = writes.at.map((at) => writes.statements[at.outbox]!.values[0]);
    const items = writes.statements.find((statement) => statement.sql.startsWith('INSERT INTO order_items'))!;
    const lines = [1, 2, 3, 1, 2]; // batchOf: 1 + (i % 3) lines
    expect(items.values.filter((value) => events.includes(value))).toEqual(
      events.flatMap((event, i) => Array<unknown>(lines[i]!).fill(event)),
    );
    const keys = writes.statements.find((statement) =>
      statement.sql.startsWith('INSERT INTO idempotency_keys'),
    )!;
    expect(keys.values.filter((value) => events.includes(value))).toEqual([events[0], events[2], events[4]]);
    for (const statement of writes.statements) expect(statement.sql).not.toContain('@');
  });

  it('When a batch reads more than 150 products, then products and their stock rows are locked by chunks in id order', () => {
    const many = Array.from({ length: 151 }, (_, i) => 400 - i);
    const { statements, at } = readStatements({ userIds: [1], productIds: many, idempotencyKeys: ['k'] });
    expect(at.catalogue).toHaveLength(2);
    const [first, second] = at.catalogue.map((index) => statements[index]!);
    expect(first!.sql).toMatch(/FROM products p LEFT JOIN stocks s .* ORDER BY p\.id FOR UPDATE$/);
    expect(first!.values).toEqual([[...many].sort((a, b) => a - b).slice(0, 150)]);
    expect(second!.values).toEqual([[400]]);
    expect(statements[at.storedAnswers!]!.sql).toMatch(/FROM idempotency_keys/);
  });
});
