import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { ProductInUseError } from '../domain/errors';
import type { ProductRecord, Products } from '../domain/ports';
import type { EntityManager } from './orm';
import { Product, type ProductRow } from './entities';

const toRecord = (row: ProductRow): ProductRecord => ({
  id: row.id,
  name: row.name,
  sku: row.sku,
  price: row.price,
});

export class ProductRepository implements Products {
  constructor(private readonly em: EntityManager) {}

  async insert(name: string, sku: string, price: string): Promise<ProductRecord> {
    const id = await this.em.insert<ProductRow>(Product, { name, sku, price });
    return { id, name, sku, price };
  }

  async findById(id: number): Promise<ProductRecord | null> {
    const row = await this.em.findOne(Product, { id });
    return row ? toRecord(row) : null;
  }

  /** One query for all ids (`where id in (...)`): the lookup every order uses. */
  async findMany(ids: number[]): Promise<ProductRecord[]> {
    const rows = await this.em.find(Product, { id: { $in: ids } });
    return rows.map(toRecord);
  }

  /** One query per id: the N+1 anti-pattern, kept only so the lab's experiment can reproduce it. */
  async findOneByOne(ids: number[]): Promise<ProductRecord[]> {
    const found: ProductRecord[] = [];
    for (const id of ids) {
      const row = await this.em.findOne(Product, { id }, { disableIdentityMap: true });
      if (row) found.push(toRecord(row));
    }
    return found;
  }

  async isUsedInOrders(id: number): Promise<boolean> {
    const rows = await this.em.execute<unknown[]>('select 1 from order_items where product_id = ? limit 1', [
      id,
    ]);
    return rows.length > 0;
  }

  /** The stock row goes with it (ON DELETE CASCADE); a product that appears in orders is refused by its FK. */
  async delete(id: number): Promise<boolean> {
    try {
      return (await this.em.nativeDelete(Product, { id })) > 0;
    } catch (error) {
      if (error instanceof ForeignKeyConstraintViolationException) throw new ProductInUseError(String(id));
      throw error;
    }
  }
}
