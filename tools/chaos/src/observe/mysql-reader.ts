import mysql, { type RowDataPacket } from 'mysql2/promise';
import { OUTBOX_EVENT_COLUMNS, TOTALS_SQL, outboxRowToEvent, totalsRowSchema } from '@store/contracts';
import type { LoggedEvent, StoreView, Totals } from '../conservation';
import { MYSQL, MYSQL_DATABASE } from '../settings';

/*
 * The chaos stack's MariaDB, read directly (not through the proxy a drill cuts). The outbox row → event mapping
 * and the totals SQL come from @store/contracts, as the services use them.
 */

export interface OutboxCounts {
  total: number;
  unpublished: number;
  /** Unpublished rows older than 2 s: a relay that is behind, not one that has not run yet. */
  stale: number;
}

export type MysqlTotals = StoreView['mysql'];

export class MysqlReader {
  private readonly sql = mysql.createPool({
    ...MYSQL,
    database: MYSQL_DATABASE,
    connectionLimit: 3,
    timezone: 'Z',
    supportBigNumbers: true,
  });

  async close(): Promise<void> {
    await this.sql.end().catch(() => undefined);
  }

  async totals(): Promise<MysqlTotals> {
    const [spend, units] = await Promise.all([
      this.sql.query<RowDataPacket[]>(TOTALS_SQL.userSpend.all),
      this.sql.query<RowDataPacket[]>(TOTALS_SQL.productUnits.all),
    ]);
    return { spendByUser: totalsOf(spend[0]), unitsByProduct: totalsOf(units[0]) };
  }

  /** Spend (cents) per user of the orders committed in the last `seconds` (the report probe's tolerance). */
  async recentSpendByUser(seconds: number): Promise<Totals> {
    const [rows] = await this.sql.query<RowDataPacket[]>(TOTALS_SQL.userSpend.since, [seconds]);
    return totalsOf(rows);
  }

  /** The event id of the OrderCreated of `orderId`, if the outbox has it. */
  async orderCreatedEventId(orderId: number): Promise<string | undefined> {
    const [rows] = await this.sql.query<RowDataPacket[]>(
      "SELECT event_id FROM outbox WHERE type = 'OrderCreated' AND JSON_VALUE(payload, '$.order_id') = ?",
      [orderId],
    );
    return rows[0]?.event_id as string | undefined;
  }

  /** Up to `count` published events of the log, as their envelopes (to publish again as duplicates). */
  async someEvents(count: number): Promise<unknown[]> {
    const [rows] = await this.sql.query<RowDataPacket[]>(
      `SELECT ${OUTBOX_EVENT_COLUMNS} FROM outbox WHERE published_at IS NOT NULL ORDER BY RAND() LIMIT ?`,
      [count],
    );
    return rows.flatMap((row) => {
      const result = outboxRowToEvent(row);
      return result.ok ? [result.event] : [];
    });
  }

  async outboxCounts(): Promise<OutboxCounts> {
    const [[counts]] = await this.sql.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS total, COALESCE(SUM(published_at IS NULL), 0) AS unpublished,
              COALESCE(SUM(published_at IS NULL AND created_at < UTC_TIMESTAMP(3) - INTERVAL 2 SECOND), 0) AS stale
         FROM outbox`,
    );
    return {
      total: Number(counts!.total),
      unpublished: Number(counts!.unpublished),
      stale: Number(counts!.stale),
    };
  }

  /** Orders, the event log and the totals in one consistent read (nothing writes now, but a late request could). */
  async snapshot(): Promise<Pick<StoreView, 'ordersInMysql' | 'mysql' | 'events'>> {
    const connection = await this.sql.getConnection();
    try {
      await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      const [orderIds] = await connection.query<RowDataPacket[]>('SELECT id FROM orders');
      const [outbox] = await connection.query<RowDataPacket[]>(
        `SELECT ${OUTBOX_EVENT_COLUMNS}, published_at IS NOT NULL AS published FROM outbox ORDER BY sequence`,
      );
      const [spend] = await connection.query<RowDataPacket[]>(TOTALS_SQL.userSpend.all);
      const [units] = await connection.query<RowDataPacket[]>(TOTALS_SQL.productUnits.all);
      await connection.query('COMMIT');
      return {
        ordersInMysql: new Set(orderIds.map((row) => Number(row.id))),
        mysql: { spendByUser: totalsOf(spend), unitsByProduct: totalsOf(units) },
        events: outbox.map(toLoggedEvent),
      };
    } finally {
      connection.release();
    }
  }
}

function totalsOf(rows: RowDataPacket[]): Map<number, number> {
  const totals = new Map<number, number>();
  for (const row of rows) {
    const { id, total } = totalsRowSchema.parse(row);
    totals.set(id, total);
  }
  return totals;
}

function toLoggedEvent(row: RowDataPacket): LoggedEvent {
  const { published, ...columns } = row;
  const result = outboxRowToEvent(columns);
  const base = {
    sequence: Number(row.sequence),
    eventId: String(row.event_id),
    type: String(row.type),
    published: Number(published) === 1,
  };
  if (!result.ok) return base;
  const { data } = result.event;
  return {
    ...base,
    order: {
      orderId: data.order_id,
      userId: data.user_id,
      totalCents: data.total_cents,
      lines: data.items.map((item) => ({ productId: item.product_id, quantity: item.quantity })),
    },
  };
}
