import type { StoreEvent, StoreEventType } from '@store/contracts';

/*
 * The projection as a pure function: an event becomes a list of increments. OrderDeleted is the exact
 * negation of OrderCreated (same data), so the two commute and any delivery order gives the same totals.
 */
export const handledEventTypes: readonly StoreEventType[] = ['OrderCreated', 'OrderDeleted'];

export const canHandle = (type: string): type is StoreEventType =>
  (handledEventTypes as readonly string[]).includes(type);

export interface ProductIncrement {
  productId: number;
  name: string;
  /** signed units: positive for a created order, negative for a deleted one */
  units: number;
}

export interface ProjectionDelta {
  eventId: string;
  type: StoreEventType;
  userId: number;
  userName: string;
  /** signed cents */
  spendCents: number;
  products: ProductIncrement[];
  /** occurred_at normalised to toISOString() form (UTC, milliseconds, Z) so strings compare in time order */
  occurredAt: string;
  sequence: number;
}

export function apply(event: StoreEvent): ProjectionDelta {
  const sign = event.type === 'OrderCreated' ? 1 : -1;
  const { data } = event;
  return {
    eventId: event.event_id,
    type: event.type,
    userId: data.user_id,
    userName: data.user_name,
    spendCents: sign * data.total_cents,
    products: sumProductLines(data.items, sign),
    occurredAt: normaliseTime(event.occurred_at),
    sequence: event.sequence,
  };
}

/** Repeated product lines of one order add up to one increment per product (first seen order kept). */
function sumProductLines(items: StoreEvent['data']['items'], sign: number): ProductIncrement[] {
  const byProduct = new Map<number, ProductIncrement>();
  for (const item of items) {
    const seen = byProduct.get(item.product_id);
    if (seen) seen.units += sign * item.quantity;
    else
      byProduct.set(item.product_id, {
        productId: item.product_id,
        name: item.product_name,
        units: sign * item.quantity,
      });
  }
  return [...byProduct.values()];
}

export const normaliseTime = (iso: string): string => new Date(iso).toISOString();
