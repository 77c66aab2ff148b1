import { notFound } from '@store/service-kit/errors';
import { ProductInUseError, orderError } from './errors';
import { centsToDecimal, centsToNumber, toCents } from './money';
import type { ProductRecord, UnitOfWork } from './ports';

export interface ProductView {
  id: number;
  name: string;
  sku: string;
  price: number;
}

export const toProductView = (product: ProductRecord): ProductView => ({
  id: product.id,
  name: product.name,
  sku: product.sku,
  price: centsToNumber(toCents(product.price)),
});

/** A new product starts with a stock row at 0, so every product has a level to set, read and give back to. */
export async function createProduct(
  db: UnitOfWork,
  name: string,
  sku: string,
  priceCents: number,
): Promise<ProductView> {
  const product = await db.transaction(async (repositories) => {
    const created = await repositories.products.insert(name, sku, centsToDecimal(priceCents));
    await repositories.stocks.set(created.id, 0);
    return created;
  });
  return toProductView(product);
}

export async function getProduct(db: UnitOfWork, id: number): Promise<ProductView> {
  const product = await db.read((repositories) => repositories.products.findById(id));
  if (!product) throw notFound('product', id);
  return toProductView(product);
}

export async function deleteProduct(db: UnitOfWork, id: number): Promise<void> {
  try {
    await db.transaction(async (repositories) => {
      if (await repositories.products.isUsedInOrders(id)) throw new ProductInUseError(String(id));
      if (!(await repositories.products.delete(id))) throw notFound('product', id);
    });
  } catch (error) {
    if (error instanceof ProductInUseError) {
      throw orderError('PRODUCT_IN_USE', `product ${id} appears in orders and cannot be deleted`);
    }
    throw error;
  }
}
