import { randomUUID } from 'node:crypto';
import type { StoreEvent } from '@store/contracts';
import { apply, canHandle } from './projection';

const created = (overrides: Partial<StoreEvent> = {}): StoreEvent => ({
  event_id: randomUUID(),
  type: 'OrderCreated',
  version: 1,
  sequence: 7,
  occurred_at: '2026-11-27T15:00:00+02:00',
  data: {
    order_id: 11,
    user_id: 3,
    user_name: 'Alan Turing',
    total_cents: 212_975,
    items: [
      { product_id: 1, product_name: 'Laptop ABC', quantity: 1, unit_price_cents: 199_999 },
      { product_id: 2, product_name: 'Keyboard DEF', quantity: 2, unit_price_cents: 5_950 },
      { product_id: 2, product_name: 'Keyboard DEF', quantity: 1, unit_price_cents: 5_950 },
      { product_id: 3, product_name: 'Gadget XYZ', quantity: 2, unit_price_cents: 575 },
    ],
  },
  ...overrides,
});

describe('projection apply', () => {
  test('When an order is created, then the user spends its total and each product sells its units', () => {
    const delta = apply(created());
    expect(delta).toMatchObject({ userId: 3, userName: 'Alan Turing', spendCents: 212_975, sequence: 7 });
    expect(delta.products).toEqual([
      { productId: 1, name: 'Laptop ABC', units: 1 },
      { productId: 2, name: 'Keyboard DEF', units: 3 },
      { productId: 3, name: 'Gadget XYZ', units: 2 },
    ]);
  });

  test('When an order is deleted, then every increment is the negation of its creation', () => {
    const event = created();
    const deleted = apply({ ...event, type: 'OrderDeleted', event_id: randomUUID() });
    const original = apply(event);
    expect(deleted.spendCents).toBe(-original.spendCents);
    expect(deleted.products.map((p) => p.units)).toEqual(original.products.map((p) => -p.units));
  });

  test('When occurred_at has an offset, then it is normalised to UTC with milliseconds and Z', () => {
    expect(apply(created()).occurredAt).toBe('2026-11-27T13:00:00.000Z');
  });

  test('When the type is not an order event, then the projection does not handle it', () => {
    expect(canHandle('OrderCreated')).toBe(true);
    expect(canHandle('OrderDeleted')).toBe(true);
    expect(canHandle('UserCreated')).toBe(false);
  });
});
