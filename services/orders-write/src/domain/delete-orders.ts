import { unitsByProduct } from './order-rules';
import { toOrderData } from './order-view';
import type { OrderRecord, Repositories } from './ports';

/**
 * Undoes orders inside the caller's transaction: stock goes back, the rows go, and one OrderDeleted per order
 * carries the order's original data so consumers can subtract it without a lookup.
 */
export async function undoOrders(
  repositories: Repositories,
  orders: OrderRecord[],
  userName: string,
  now: Date,
): Promise<void> {
  if (orders.length === 0) return;
  const items = orders.flatMap((order) => order.items);
  const units = unitsByProduct(items);
  const productIds = [...units.keys()];
  await repositories.stocks.lockLevels(productIds);
  await repositories.stocks.adjust(units);
  const products = await repositories.products.findMany(productIds);
  const productNames = new Map(products.map((product) => [product.id, product.name]));
  await repositories.orders.delete(orders.map((order) => order.id));
  await repositories.outbox.append(
    orders.map((order) => ({
      type: 'OrderDeleted',
      data: toOrderData(order, userName, productNames),
    })),
    now,
  );
}
