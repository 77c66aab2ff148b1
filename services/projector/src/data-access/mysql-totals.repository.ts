import type { Pool, RowDataPacket } from 'mysql2/promise';
import { TOTALS_SQL, totalsRowSchema, type TotalsKind } from '@store/contracts';
import type { Totals, TotalsSource } from '../domain/ports';

/** The source of truth's view of the reports, through the totals queries declared in @store/contracts. */
export class MysqlTotalsRepository implements TotalsSource {
  constructor(private readonly pool: Pool) {}

  spendByUser(userIds?: number[]): Promise<Totals> {
    return this.query('userSpend', userIds);
  }

  unitsByProduct(productIds?: number[]): Promise<Totals> {
    return this.query('productUnits', productIds);
  }

  private async query(kind: TotalsKind, ids?: number[]): Promise<Totals> {
    const totals: Totals = new Map();
    if (ids && ids.length === 0) return totals;
    const [rows] = ids
      ? await this.pool.query<RowDataPacket[]>(TOTALS_SQL[kind].listed, [ids])
      : await this.pool.query<RowDataPacket[]>(TOTALS_SQL[kind].all);
    for (const row of rows) {
      const { id, total } = totalsRowSchema.parse(row);
      totals.set(id, total);
    }
    return totals;
  }
}
