import { randomUUID } from 'node:crypto';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { StoreEvent, StoreEventType } from '@store/contracts';
import { eventually, uniqueEmail, uniqueName, uniqueSku, uniqueSuffix, testDatabase } from '@store/testing';
import { createLogger, type Logger } from '@store/observability';
import { escapeGlob, scanKeys, type RedisClient } from '@store/service-kit';
import { readConfig, type Config } from '../src/config';
import type { VersionState } from '../src/domain/ports';

/* Test data is written the way orders-write writes it (order rows + outbox row in one transaction), so the
 * shared test database stays consistent for every reconciliation, including other engineers' ones. */

export const silentLogger = (): Logger =>
  createLogger('projector-test', { level: process.env.LOG_LEVEL ?? 'silent' });

export const testPrefix = (): string => `test:projector:${uniqueSuffix()}:`;

export function testConfig(overrides: Record<string, string> = {}): Config {
  const queue = `test.projector.${uniqueSuffix()}`;
  return readConfig({
    ...process.env,
    MYSQL_DATABASE: testDatabase(),
    PORT: '0',
    REDIS_KEY_PREFIX: testPrefix(),
    PROJECTOR_QUEUE: queue,
    DEAD_LETTER_QUEUE: `${queue}.dead-letter`,
    RECONCILE_INTERVAL_SECONDS: '0',
    RETRY_MAX_DELAY_MS: '500',
    ...overrides,
  });
}

export interface Line {
  productId: number;
  name: string;
  quantity: number;
  unitPriceCents: number;
}

/** An event that exists only in the message (not in MySQL): ids far above anything real. */
export function makeEvent(
  type: StoreEventType,
  lines: Line[],
  overrides: Partial<StoreEvent['data']> = {},
): StoreEvent {
  return {
    event_id: randomUUID(),
    type,
    version: 1,
    sequence: randomId(),
    occurred_at: new Date().toISOString(),
    data: {
      order_id: randomId(),
      user_id: randomId(),
      user_name: uniqueName('user'),
      total_cents: lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
      items: lines.map((l) => ({
        product_id: l.productId,
        product_name: l.name,
        quantity: l.quantity,
        unit_price_cents: l.unitPriceCents,
      })),
      ...overrides,
    },
  };
}

export const randomId = (): number => 1_000_000_000 + Math.floor(Math.random() * 1_000_000_000);

export const line = (productId: number, quantity: number, unitPriceCents = 1_000): Line => ({
  productId,
  name: `product ${productId}`,
  quantity,
  unitPriceCents,
});

export async function createUser(pool: Pool): Promise<{ id: number; name: string }> {
  const name = uniqueName('projector-user');
  const [result] = await pool.query<ResultSetHeader>('INSERT INTO users (name, email) VALUES (?, ?)', [
    name,
    uniqueEmail('projector'),
  ]);
  return { id: result.insertId, name };
}

export async function createProduct(pool: Pool, priceCents: number): Promise<{ id: number; name: string }> {
  const name = uniqueName('projector-product');
  const [result] = await pool.query<ResultSetHeader>(
    'INSERT INTO products (name, sku, price) VALUES (?, ?, ?)',
    [name, uniqueSku('PRJ'), money(priceCents)],
  );
  return { id: result.insertId, name };
}

const money = (cents: number): string => (cents / 100).toFixed(2);

/** Runs `work` in one MySQL transaction, as orders-write writes order rows and their outbox row together. */
async function inTransaction<T>(pool: Pool, work: (connection: PoolConnection) => Promise<T>): Promise<T> {
  const connection = await pool.getConnection();
  try {
    await connection.beginTransaction();
    const result = await work(connection);
    await connection.commit();
    return result;
  } catch (error) {
    await connection.rollback();
    throw error;
  } finally {
    connection.release();
  }
}

/** Places an order in MySQL with its OrderCreated outbox row (marked published: no relay should pick it up). */
export async function placeOrder(
  pool: Pool,
  user: { id: number; name: string },
  lines: Line[],
): Promise<StoreEvent> {
  return inTransaction(pool, async (connection) => {
    const total = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
    const [order] = await connection.query<ResultSetHeader>(
      'INSERT INTO orders (user_id, total_amount, created_at) VALUES (?, ?, UTC_TIMESTAMP(3))',
      [user.id, money(total)],
    );
    for (const l of lines) {
      await connection.query(
        'INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES (?, ?, ?, ?)',
        [order.insertId, l.productId, l.quantity, money(l.unitPriceCents)],
      );
    }
    const event = makeEvent('OrderCreated', lines, {
      order_id: order.insertId,
      user_id: user.id,
      user_name: user.name,
    });
    return writeOutbox(connection, event);
  });
}

/** Deletes the order and writes its OrderDeleted row, in one transaction. */
export async function deleteOrder(pool: Pool, created: StoreEvent): Promise<StoreEvent> {
  return inTransaction(pool, async (connection) => {
    await connection.query('DELETE FROM orders WHERE id = ?', [created.data.order_id]);
    return writeOutbox(connection, { ...created, event_id: randomUUID(), type: 'OrderDeleted' });
  });
}

type Queryable = Pick<Pool, 'query'>;

async function writeOutbox(connection: Queryable, event: StoreEvent): Promise<StoreEvent> {
  const [result] = await connection.query<ResultSetHeader>(
    `INSERT INTO outbox (event_id, type, version, payload, created_at, published_at)
     VALUES (?, ?, 1, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
    [event.event_id, event.type, JSON.stringify(event.data)],
  );
  const [rows] = await connection.query<RowDataPacket[]>('SELECT created_at FROM outbox WHERE sequence = ?', [
    result.insertId,
  ]);
  const createdAt = rows[0]!.created_at as Date;
  return { ...event, sequence: result.insertId, occurred_at: createdAt.toISOString() };
}

/** Removes every key of a test prefix (the test's own FLUSHALL; the shared Redis is never flushed). */
export async function deletePrefix(redis: RedisClient, prefix: string): Promise<void> {
  await scanKeys(redis, `${escapeGlob(prefix)}*`, (keys) => redis.unlink(...keys));
}

export async function scores(redis: RedisClient, key: string, members: number[]): Promise<number[]> {
  const values = await redis.zmscore(key, ...members.map(String));
  return values.map((v) => (v === null ? 0 : Number(v)));
}

/**
 * Waits (bounded) until the projection has a complete live version: a projector that starts on an empty prefix
 * first rebuilds it from the event log by itself (Redis is polled: the state is in an external store).
 */
export const untilAvailable = (projection: { readVersions(): Promise<VersionState> }, timeoutMs = 30_000) =>
  eventually(
    'a complete live projection and no rebuild running',
    async () => {
      const state = await projection.readVersions();
      return state.available && !state.rebuildLocked ? state : undefined;
    },
    { timeoutMs, intervalMs: 50 },
  );
