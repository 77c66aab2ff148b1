import { notFound } from '@store/service-kit/errors';
import { centsToNumber, toCents } from './money';
import type { UnitOfWork } from './ports';
import { toProductView, type ProductView } from './product.use-case';
import { orderError } from './errors';

export interface StockView {
  product_id: number;
  quantity: number;
}

export async function setStock(db: UnitOfWork, productId: number, quantity: number): Promise<StockView> {
  await db.transaction(async (repositories) => {
    const product = await repositories.products.findById(productId);
    if (!product) {
      throw orderError('UNKNOWN_PRODUCT', `product ${productId} does not exist`, [{ product_id: productId }]);
    }
    await repositories.stocks.set(productId, quantity);
  });
  return { product_id: productId, quantity };
}

export async function getStock(db: UnitOfWork, productId: number): Promise<StockView> {
  const level = await db.read((repositories) => repositories.stocks.get(productId));
  if (!level) throw notFound('stock of product', productId);
  return { product_id: level.productId, quantity: level.quantity };
}

export async function stockOverview(db: UnitOfWork) {
  const rows = await db.read((repositories) => repositories.stocks.overview());
  return rows.map((row) => ({
    product_id: row.product_id,
    name: row.name,
    sku: row.sku,
    unit_price: centsToNumber(toCents(row.price)),
    quantity: Number(row.quantity),
  }));
}

/** For the supplier GraphQL query: a product with its level, or null (unknown ids are never an error). */
export async function productWithStock(
  db: UnitOfWork,
  productId: number,
): Promise<(ProductView & { quantity: number }) | null> {
  return db.read(async (repositories) => {
    const product = await repositories.products.findById(productId);
    if (!product) return null;
    const level = await repositories.stocks.get(productId);
    return { ...toProductView(product), quantity: level?.quantity ?? 0 };
  });
}
