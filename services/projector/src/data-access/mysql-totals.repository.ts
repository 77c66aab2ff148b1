import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Totals, TotalsSource } from '../domain/ports';

interface TotalRow extends RowDataPacket {
  id: number;
  total: string | number;
}

/**
 * The source of truth's view of the reports: spend per user from orders.total_amount (exact DECIMAL, turned
 * into integer cents by MySQL, never by a float) and units per product from order_items.
 */
export class MysqlTotalsRepository implements TotalsSource {
  constructor(private readonly pool: Pool) {}

  spendByUser(userIds?: number[]): Promise<Totals> {
    return this.query(
      'SELECT user_id AS id, CAST(SUM(total_amount) * 100 AS SIGNED) AS total FROM orders',
      'user_id',
      userIds,
    );
  }

  unitsByProduct(productIds?: number[]): Promise<Totals> {
    return this.query(
      'SELECT product_id AS id, SUM(quantity) AS total FROM order_items',
      'product_id',
      productIds,
    );
  }

  private async query(select: string, column: string, ids?: number[]): Promise<Totals> {
    const totals: Totals = new Map();
    if (ids && ids.length === 0) return totals;
    const where = ids ? ` WHERE ${column} IN (?)` : '';
    const [rows] = await this.pool.query<TotalRow[]>(
      `${select}${where} GROUP BY ${column}`,
      ids ? [ids] : [],
    );
    for (const row of rows) totals.set(Number(row.id), Number(row.total));
    return totals;
  }
}
