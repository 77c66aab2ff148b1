import type { OrderData } from '@store/contracts';
import { centsToDecimal, centsToNumber, toCents } from './money';
import type { OrderDraft } from './order-rules';
import type { NewOrder, OrderRecord } from './ports';

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

/* An accepted order's draft is already in cents and carries the names: no round trip through DECIMAL text. */

/** The rows to insert for an accepted order. */
export function newOrderOf(draft: OrderDraft, createdAt: Date): NewOrder {
  return {
    userId: draft.userId,
    totalAmount: centsToDecimal(draft.totalCents),
    createdAt,
    items: draft.lines.map((line) => ({
      productId: line.productId,
      quantity: line.quantity,
      unitPrice: centsToDecimal(line.unitPriceCents),
    })),
  };
}

/** The answer to POST /orders for an accepted order, once the database gave it an id. */
export function orderViewOf(orderId: number, draft: OrderDraft, createdAt: Date): OrderView {
  return {
    order_id: orderId,
    user_id: draft.userId,
    total_amount: centsToNumber(draft.totalCents),
    items: draft.lines.map((line) => ({
      product_id: line.productId,
      quantity: line.quantity,
      unit_price: centsToNumber(line.unitPriceCents),
    })),
    created_at: createdAt.toISOString(),
  };
}

/** OrderCreated's data for an accepted order. */
export function orderDataOf(orderId: number, draft: OrderDraft): OrderData {
  return {
    order_id: orderId,
    user_id: draft.userId,
    user_name: draft.userName,
    total_cents: draft.totalCents,
    items: draft.lines.map((line) => ({
      product_id: line.productId,
      product_name: line.productName,
      quantity: line.quantity,
      unit_price_cents: line.unitPriceCents,
    })),
  };
}
