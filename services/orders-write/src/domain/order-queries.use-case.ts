import { notFound } from '@store/service-kit/errors';
import { toOrderView, type OrderView } from './order-view';
import type { UnitOfWork } from './ports';

export async function getOrder(db: UnitOfWork, id: number): Promise<OrderView> {
  const order = await db.read((repositories) => repositories.orders.findById(id));
  if (!order) throw notFound('order', id);
  return toOrderView(order);
}

export interface OrderPage {
  orders: OrderView[];
  next_after: number | null;
}

/** Keyset paging, newest first: `next_after` is the cursor for the next page, null on the last one. */
export async function listOrders(
  db: UnitOfWork,
  query: { userId?: number; after?: number; limit: number },
): Promise<OrderPage> {
  const found = await db.read((repositories) =>
    repositories.orders.list({ ...query, limit: query.limit + 1 }),
  );
  const page = found.slice(0, query.limit);
  const last = page.at(-1);
  return { orders: page.map(toOrderView), next_after: found.length > query.limit && last ? last.id : null };
}
