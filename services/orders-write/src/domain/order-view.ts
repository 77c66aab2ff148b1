import type { OrderData } from '@store/contracts';
import type { OrderRecord } from '../data-access/order.repository';
import { centsToNumber, toCents } from './money';

/** An order as the API returns it (POST /orders, GET /orders/:id, the list). */
export interface OrderView {
  order_id: number;
  user_id: number;
  total_amount: number;
  items: { product_id: number; quantity: number; unit_price: number }[];
  created_at: string;
}

export function toOrderView(order: OrderRecord): OrderView {
  return {
    order_id: order.id,
    user_id: order.userId,
    total_amount: centsToNumber(toCents(order.totalAmount)),
    items: order.items.map((item) => ({
      product_id: item.productId,
      quantity: item.quantity,
      unit_price: centsToNumber(toCents(item.unitPrice)),
    })),
    created_at: order.createdAt.toISOString(),
  };
}

/** The event data of an order: what OrderCreated announces and OrderDeleted repeats, in integer cents. */
export function toOrderData(
  order: OrderRecord,
  userName: string,
  productNames: Map<number, string>,
): OrderData {
  return {
    order_id: order.id,
    user_id: order.userId,
    user_name: userName,
    total_cents: toCents(order.totalAmount),
    items: order.items.map((item) => ({
      product_id: item.productId,
      product_name: productNames.get(item.productId) ?? '',
      quantity: item.quantity,
      unit_price_cents: toCents(item.unitPrice),
    })),
  };
}

/** Units per product over all lines of the given orders (repeated product lines are summed). */
export function unitsByProduct(items: { productId: number; quantity: number }[]): Map<number, number> {
  const units = new Map<number, number>();
  for (const item of items) units.set(item.productId, (units.get(item.productId) ?? 0) + item.quantity);
  return units;
}
