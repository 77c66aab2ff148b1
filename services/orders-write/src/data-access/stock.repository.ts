import type { StockLevel, StockOverviewRow, Stocks } from '../domain/ports';
import type { EntityManager } from './orm';
import { placeholders } from './sql';

export class StockRepository implements Stocks {
  constructor(private readonly em: EntityManager) {}

  /** Sets the level (creating the row if the product had none). */
  async set(productId: number, quantity: number): Promise<void> {
    await this.em.execute(
      'insert into stocks (product_id, quantity) values (?, ?) on duplicate key update quantity = ?',
      [productId, quantity, quantity],
    );
  }

  async get(productId: number): Promise<StockLevel | null> {
    const [row] = await this.em.execute<{ product_id: number; quantity: number }[]>(
      'select product_id, quantity from stocks where product_id = ?',
      [productId],
    );
    return row ? { productId: row.product_id, quantity: row.quantity } : null;
  }

  async overview(): Promise<StockOverviewRow[]> {
    return this.em.execute<StockOverviewRow[]>(
      `select p.id as product_id, p.name, p.sku, p.price, coalesce(s.quantity, 0) as quantity
       from products p left join stocks s on s.product_id = p.id order by p.id`,
    );
  }

  /**
   * Locks the stock rows of an order (in product id order, so concurrent orders always lock in the same order
   * and cannot deadlock each other) and returns their levels. Callers hold the lock until their transaction ends.
   */
  async lockLevels(productIds: number[]): Promise<Map<number, number>> {
    const ids = [...productIds].sort((a, b) => a - b);
    const rows = await this.em.execute<{ product_id: number; quantity: number }[]>(
      `select product_id, quantity from stocks where product_id in (${placeholders(ids.length)})
       order by product_id for update`,
      ids,
    );
    return new Map(rows.map((row) => [row.product_id, row.quantity]));
  }

  /** Adds `delta` per product in one statement (negative to take stock, positive to give it back). */
  async adjust(deltas: Map<number, number>): Promise<void> {
    if (deltas.size === 0) return;
    const ids = [...deltas.keys()].sort((a, b) => a - b);
    const cases = ids.map(() => 'when ? then ?').join(' ');
    const params = ids.flatMap((id) => [id, deltas.get(id) ?? 0]);
    await this.em.execute(
      `update stocks set quantity = quantity + (case product_id ${cases} else 0 end)
       where product_id in (${placeholders(ids.length)})`,
      [...params, ...ids],
    );
  }
}
