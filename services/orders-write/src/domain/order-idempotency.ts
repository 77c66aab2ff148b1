import { createHash } from 'node:crypto';
import type { OrderView } from './order-view';
import type { UnitOfWork } from './ports';
import { orderError } from './errors';

/** What POST /orders asks for: the same fields, in the same order, hash the same. */
export interface PlaceOrderCommand {
  userId: number;
  items: { productId: number; quantity: number }[];
  idempotencyKey?: string;
}

/** The answer to POST /orders: `replayed` when it is the stored answer to an earlier request with the key. */
export interface PlaceOrderResult {
  status: number;
  order: OrderView;
  replayed: boolean;
}

/** The request's fingerprint kept with its Idempotency-Key: a retry must send the same user and lines. */
export function hashOrderRequest(command: PlaceOrderCommand): string {
  const canonical = JSON.stringify({
    user_id: command.userId,
    items: command.items.map((i) => [i.productId, i.quantity]),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** The stored answer for `key`, or null; 422 when the key was used with a different request. */
export async function findReplay(
  db: UnitOfWork,
  key: string,
  requestHash: string,
): Promise<PlaceOrderResult | null> {
  const stored = await db.read((repositories) => repositories.idempotency.find(key));
  if (!stored) return null;
  if (stored.requestHash !== requestHash) {
    throw orderError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
  }
  return { status: stored.statusCode, order: stored.body as OrderView, replayed: true };
}
