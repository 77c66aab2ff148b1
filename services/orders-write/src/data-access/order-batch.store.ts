import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { parseJsonColumn } from '@store/service-kit';
import {
  BatchStoreError,
  type BatchFacts,
  type BatchReads,
  type BatchWrites,
  type CommittedIds,
  type OpenBatch,
  type OrderBatchStore,
  type StoredAnswer,
} from '../domain/group-commit.ports';
import type { OrderView } from '../domain/order-view';
import { toCents } from '../domain/money';
import { readStatements, writeStatements, type ReadTrip, type Statement } from './order-batch.sql';

/*
 * The group commit's SQL goes straight through a mysql2 pool (the driver under MikroORM), not through the ORM:
 * the profile of issue 8 put 39 % of the per-order CPU in MikroORM + knex (a transaction object per order, query
 * building per insert, hydration, identity map, flush), and the ORM cannot send several statements in one round
 * trip. Here a batch is two round trips whatever its size, each one multi-statement. The pool is this path's
 * alone, with multipleStatements on; MikroORM keeps everything else (entities, migrations, catalogue, queries).
 */

/** Test-only fault injection around the write round trip (given through app overrides). */
export interface OrderBatchHooks {
  /** Before round trip 2 is sent; the batch's session id lets a test KILL it; `orders`: orders it writes. */
  beforeWrite?(threadId: number, orders: number): Promise<void>;
  /** After round trip 2 answered; throwing here acts as an answer lost after the COMMIT. */
  afterWrite?(threadId: number): Promise<void>;
}

const CONFLICT = new Set([1205, 1213]); // lock wait timeout, deadlock: the transaction wrote nothing
const FOREIGN_KEY = new Set([1216, 1217, 1451, 1452]);
const DUPLICATE = 1062;
const CHECK_FAILED = new Set([3819, 4025]); // MySQL 8, MariaDB
const NO_SUCH_THREAD = 1094;

interface DriverError {
  errno?: number;
  fatal?: boolean;
}

export class SqlOrderBatchStore implements OrderBatchStore {
  constructor(
    private readonly pool: Pool,
    private readonly options: { onQuery?: (sql: string) => void; hooks?: OrderBatchHooks } = {},
  ) {}

  async open(reads: BatchReads): Promise<OpenBatch> {
    const connection = await this.pool.getConnection().catch((error: unknown) => {
      throw new BatchStoreError('lost', undefined, error);
    });
    const trip = readStatements(reads);
    let results: unknown[];
    try {
      results = await this.send(connection, trip.statements);
    } catch (error) {
      // Nothing was written yet: whatever failed, the batch can run again.
      connection.destroy();
      const conflict = CONFLICT.has((error as DriverError).errno ?? 0);
      throw new BatchStoreError(conflict ? 'conflict' : 'lost', undefined, error);
    }
    return new SqlOpenBatch(this, connection, toFacts(results, trip.at));
  }

  /** Sends the statements as one multi-statement; one result per statement. */
  async send(connection: PoolConnection, statements: Statement[]): Promise<unknown[]> {
    if (this.options.onQuery) for (const statement of statements) this.options.onQuery(statement.sql);
    const [results] = await connection.query(
      statements.map((statement) => statement.sql).join(';\n'),
      statements.flatMap((statement) => statement.values),
    );
    return results as unknown[];
  }

  get hooks(): OrderBatchHooks {
    return this.options.hooks ?? {};
  }

  getConnection(): Promise<PoolConnection> {
    return this.pool.getConnection();
  }
}

class SqlOpenBatch implements OpenBatch {
  constructor(
    private readonly store: SqlOrderBatchStore,
    private readonly connection: PoolConnection,
    readonly facts: BatchFacts,
  ) {}

  async commit(writes: BatchWrites): Promise<CommittedIds[]> {
    const { connection } = this;
    const trip = writeStatements(writes);
    let results: unknown[];
    try {
      await this.store.hooks.beforeWrite?.(connection.threadId, writes.orders.length);
      results = await this.store.send(connection, trip.statements);
    } catch (error) {
      throw await this.failed(error);
    }
    try {
      await this.store.hooks.afterWrite?.(connection.threadId);
    } catch (error) {
      connection.destroy();
      throw new BatchStoreError('unknown', undefined, error);
    }
    connection.release();
    // Each id is the insertId of a single-row INSERT (see writeStatements): exact in every autoinc lock mode.
    const insertId = (index: number) => Number((results[index] as ResultSetHeader).insertId);
    return trip.at.map((at) => ({ orderId: insertId(at.order), sequence: insertId(at.outbox) }));
  }

  /**
   * Only errors that statements before the COMMIT raise are known to have committed nothing; the transaction
   * is then rolled back here. Anything else (a lost connection, an unexpected error) leaves the outcome unknown.
   */
  private async failed(error: unknown): Promise<BatchStoreError> {
    const { errno, fatal } = error as DriverError;
    const known = errno !== undefined && !fatal;
    if (known && CONFLICT.has(errno)) return this.rolledBack('conflict', undefined, error);
    if (known && FOREIGN_KEY.has(errno)) return this.rolledBack('constraint', 'foreign-key', error);
    if (known && errno === DUPLICATE) return this.rolledBack('constraint', 'duplicate', error);
    if (known && CHECK_FAILED.has(errno)) return this.rolledBack('constraint', 'other', error);
    this.connection.destroy();
    return new BatchStoreError('unknown', undefined, error);
  }

  private async rolledBack(
    kind: 'conflict' | 'constraint',
    constraint: 'foreign-key' | 'duplicate' | 'other' | undefined,
    error: unknown,
  ): Promise<BatchStoreError> {
    await this.rollback();
    return new BatchStoreError(kind, constraint, error);
  }

  async rollback(): Promise<void> {
    try {
      await this.store.send(this.connection, [{ sql: 'ROLLBACK', values: [] }]);
      this.connection.release();
    } catch {
      // Closing the session rolls the transaction back too.
      this.connection.destroy();
    }
  }

  /**
   * The old session is killed first (if it still runs, its transaction rolls back), then the outbox is read
   * with a locking read: it waits for any transaction still holding those event ids, so the answer is final.
   */
  async findCommitted(eventIds: string[]): Promise<Map<string, CommittedIds>> {
    const fresh = await this.store.getConnection();
    try {
      await fresh.query('KILL ?', [this.connection.threadId]).catch((error: DriverError) => {
        if (error.errno !== NO_SUCH_THREAD) throw error;
      });
      const [rows] = await fresh.query<RowDataPacket[]>(
        "SELECT event_id, sequence, JSON_VALUE(payload, '$.order_id') AS order_id FROM outbox " +
          'WHERE event_id IN (?) LOCK IN SHARE MODE',
        [eventIds],
      );
      return new Map(
        rows.map((row) => [
          row.event_id as string,
          { orderId: Number(row.order_id), sequence: Number(row.sequence) },
        ]),
      );
    } finally {
      fresh.release();
    }
  }
}

/** Round trip 1's results, found where readStatements put each read. */
function toFacts(results: unknown[], at: ReadTrip['at']): BatchFacts {
  const rows = (index: number) => results[index] as RowDataPacket[];
  const users = new Map(rows(at.users).map((row) => [row.id as number, row.name as string]));
  const products = new Map<number, { id: number; name: string; priceCents: number }>();
  const stock = new Map<number, number>();
  for (const row of at.catalogue.flatMap(rows)) {
    const id = row.id as number;
    products.set(id, { id, name: row.name as string, priceCents: toCents(row.price as string) });
    // A product without a stock row (LEFT JOIN: NULL) has no level, as when stocks were read on their own.
    if (row.quantity !== null) stock.set(id, row.quantity as number);
  }
  const storedAnswers = new Map<string, StoredAnswer>();
  for (const row of at.storedAnswers === undefined ? [] : rows(at.storedAnswers)) {
    storedAnswers.set(row.idempotency_key as string, {
      requestHash: row.request_hash as string,
      statusCode: row.status_code as number,
      body: parseJsonColumn(row.response_body) as OrderView,
    });
  }
  return { users, products, stock, storedAnswers };
}
