import type mysql from 'mysql2/promise';
import { count, createProduct, createUser, stockOf, useServiceAndSql } from './helpers';

const t = useServiceAndSql();

const outboxRowsFor = (orderId: number, type: string) =>
  count(t.sql, "select count(*) from outbox where type = ? and json_value(payload, '$.order_id') = ?", [
    type,
    orderId,
  ]);

describe('Placing an order', () => {
  it('When an order is placed, then 201 with exact cents, stock taken, and one OrderCreated outbox row', async () => {
    const user = await createUser(t.app.api);
    const dimes = await createProduct(t.app.api, 0.1, 10);
    const gadget = await createProduct(t.app.api, 5.75, 10);
    const response = await t.app.api.post('/orders', {
      user_id: user.user_id,
      items: [
        { product_id: dimes, quantity: 3 },
        { product_id: gadget, quantity: 7 },
      ],
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      order_id: expect.any(Number),
      user_id: user.user_id,
      total_amount: 40.55,
      items: [
        { product_id: dimes, quantity: 3, unit_price: 0.1 },
        { product_id: gadget, quantity: 7, unit_price: 5.75 },
      ],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(response.headers.get('location')).toBe(`/orders/${response.body.order_id}`);
    expect(await stockOf(t.app.api, dimes)).toBe(7);
    expect(await stockOf(t.app.api, gadget)).toBe(3);
    expect(await outboxRowsFor(response.body.order_id, 'OrderCreated')).toBe(1);
    expect((await t.app.api.get(`/orders/${response.body.order_id}`)).body).toEqual(response.body);
  });

  it('When 0.10 × 3 is ordered alone, then the total is exactly 0.3', async () => {
    const user = await createUser(t.app.api);
    const dimes = await createProduct(t.app.api, 0.1, 3);
    const response = await t.app.api.post('/orders', {
      user_id: user.user_id,
      items: [{ product_id: dimes, quantity: 3 }],
    });
    expect(response.body.total_amount).toBe(0.3);
    const [rows] = await t.sql.query<mysql.RowDataPacket[]>('select total_amount from orders where id = ?', [
      response.body.order_id,
    ]);
    expect(rows[0]!.total_amount).toBe('0.30');
  });

  it('When the same product is on two lines, then the lines stay separate and stock is checked on their sum', async () => {
    const user = await createUser(t.app.api);
    const product = await createProduct(t.app.api, 2, 5);
    const tooMany = await t.app.api.post('/orders', {
      user_id: user.user_id,
      items: [
        { product_id: product, quantity: 3 },
        { product_id: product, quantity: 3 },
      ],
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.details).toEqual([{ product_id: product, requested: 6, available: 5 }]);
    const fits = await t.app.api.post('/orders', {
      user_id: user.user_id,
      items: [
        { product_id: product, quantity: 2 },
        { product_id: product, quantity: 3 },
      ],
    });
    expect(fits.status).toBe(201);
    expect(fits.body.items).toHaveLength(2);
    expect(await stockOf(t.app.api, product)).toBe(0);
  });

  it('When stock is short, then 409 INSUFFICIENT_STOCK lists every short product and nothing changes', async () => {
    const user = await createUser(t.app.api);
    const a = await createProduct(t.app.api, 1, 1);
    const b = await createProduct(t.app.api, 1, 2);
    const c = await createProduct(t.app.api, 1, 50);
    const ordersBefore = await count(t.sql, 'select count(*) from orders where user_id = ?', [user.user_id]);
    const eventsOfUser = () =>
      count(t.sql, "select count(*) from outbox where json_value(payload, '$.user_id') = ?", [user.user_id]);
    const response = await t.app.api.post('/orders', {
      user_id: user.user_id,
      items: [
        { product_id: a, quantity: 2 },
        { product_id: b, quantity: 3 },
        { product_id: c, quantity: 1 },
      ],
    });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('INSUFFICIENT_STOCK');
    expect(response.body.details).toEqual([
      { product_id: a, requested: 2, available: 1 },
      { product_id: b, requested: 3, available: 2 },
    ]);
    expect([await stockOf(t.app.api, a), await stockOf(t.app.api, b), await stockOf(t.app.api, c)]).toEqual([
      1, 2, 50,
    ]);
    expect(await count(t.sql, 'select count(*) from orders where user_id = ?', [user.user_id])).toBe(
      ordersBefore,
    );
    // Scoped to this test's (fresh) user, so other writers of the shared table cannot move the count; the
    // order that fits afterwards shows the count does see this user's events.
    expect(await eventsOfUser()).toBe(0);
    const fits = await t.app.api.post('/orders', {
      user_id: user.user_id,
      items: [{ product_id: c, quantity: 1 }],
    });
    expect(fits.status).toBe(201);
    expect(await eventsOfUser()).toBe(1);
  });

  it('When the user or products are unknown, then 422 with every unknown id and nothing changes', async () => {
    const user = await createUser(t.app.api);
    const known = await createProduct(t.app.api, 1, 5);
    const unknownUser = await t.app.api.post('/orders', {
      user_id: 2147483647,
      items: [{ product_id: known, quantity: 1 }],
    });
    expect(unknownUser.status).toBe(422);
    expect(unknownUser.body.code).toBe('UNKNOWN_USER');
    const unknownProducts = await t.app.api.post('/orders', {
      user_id: user.user_id,
      items: [
        { product_id: known, quantity: 1 },
        { product_id: 2147483646, quantity: 1 },
        { product_id: 2147483645, quantity: 1 },
      ],
    });
    expect(unknownProducts.status).toBe(422);
    expect(unknownProducts.body.code).toBe('UNKNOWN_PRODUCT');
    expect(unknownProducts.body.details).toEqual([{ product_id: 2147483646 }, { product_id: 2147483645 }]);
    expect(await stockOf(t.app.api, known)).toBe(5);
  });

  it.each([
    [{ items: [{ product_id: 1, quantity: 1 }] }, 'user_id'],
    [{ user_id: 1, items: [] }, 'items'],
    [{ user_id: 1 }, 'items'],
    [{ user_id: 1, items: [{ product_id: 1, quantity: 0 }] }, 'items.0.quantity'],
    [{ user_id: 1, items: [{ product_id: 1, quantity: -2 }] }, 'items.0.quantity'],
    [{ user_id: 1, items: [{ product_id: 1, quantity: 1.5 }] }, 'items.0.quantity'],
    [{ user_id: 1, items: [{ product_id: 1, quantity: 1001 }] }, 'items.0.quantity'],
    [{ user_id: 1, items: [{ product_id: '1', quantity: 1 }] }, 'items.0.product_id'],
    [{ user_id: 1.5, items: [{ product_id: 1, quantity: 1 }] }, 'user_id'],
    [{ user_id: 1, items: Array.from({ length: 101 }, () => ({ product_id: 1, quantity: 1 })) }, 'items'],
  ])('When the order body is invalid (%#), then 400 names %s', async (body, field) => {
    const stockBefore = await stockOf(t.app.api, 1);
    const response = await t.app.api.post('/orders', body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
    expect(await stockOf(t.app.api, 1)).toBe(stockBefore);
  });
});

describe('Reading, listing and deleting orders', () => {
  it('When a user has orders, then the list pages newest first with a keyset cursor', async () => {
    const user = await createUser(t.app.api);
    const product = await createProduct(t.app.api, 1.25, 100);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const placed = await t.app.api.post('/orders', {
        user_id: user.user_id,
        items: [{ product_id: product, quantity: 1 }],
      });
      ids.push(placed.body.order_id as number);
    }
    const first = await t.app.api.get(`/orders?user_id=${user.user_id}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.orders.map((o: { order_id: number }) => o.order_id)).toEqual([ids[4], ids[3]]);
    expect(first.body.next_after).toBe(ids[3]);
    const second = await t.app.api.get(
      `/orders?user_id=${user.user_id}&limit=2&after=${first.body.next_after}`,
    );
    expect(second.body.orders.map((o: { order_id: number }) => o.order_id)).toEqual([ids[2], ids[1]]);
    const last = await t.app.api.get(
      `/orders?user_id=${user.user_id}&limit=2&after=${second.body.next_after}`,
    );
    expect(last.body).toEqual({ orders: [expect.objectContaining({ order_id: ids[0] })], next_after: null });
    for (const bad of ['limit=0', 'limit=101', 'limit=abc', 'user_id=-1', 'after=x']) {
      expect((await t.app.api.get(`/orders?${bad}`)).status).toBe(400);
    }
  });

  it('When an order is deleted, then stock comes back, one OrderDeleted row is written, and it is gone', async () => {
    const user = await createUser(t.app.api);
    const product = await createProduct(t.app.api, 9.99, 10);
    const placed = await t.app.api.post('/orders', {
      user_id: user.user_id,
      items: [{ product_id: product, quantity: 4 }],
    });
    expect(await stockOf(t.app.api, product)).toBe(6);
    const deleted = await t.app.api.delete(`/orders/${placed.body.order_id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true });
    expect(await stockOf(t.app.api, product)).toBe(10);
    expect(await outboxRowsFor(placed.body.order_id, 'OrderDeleted')).toBe(1);
    expect((await t.app.api.get(`/orders/${placed.body.order_id}`)).status).toBe(404);
    const again = await t.app.api.delete(`/orders/${placed.body.order_id}`);
    expect(again.status).toBe(404);
    expect(again.body.deleted).toBe(false);
    expect(await stockOf(t.app.api, product)).toBe(10);
  });

  it('When a user with orders is deleted, then every order is undone with one OrderDeleted each', async () => {
    const user = await createUser(t.app.api);
    const product = await createProduct(t.app.api, 3, 10);
    const orderIds: number[] = [];
    for (const quantity of [1, 2, 3]) {
      const placed = await t.app.api.post('/orders', {
        user_id: user.user_id,
        items: [{ product_id: product, quantity }],
      });
      orderIds.push(placed.body.order_id as number);
    }
    expect(await stockOf(t.app.api, product)).toBe(4);
    const deleted = await t.app.api.delete(`/users/${user.user_id}`);
    expect(deleted.body).toEqual({ deleted: true, deleted_orders: 3 });
    expect(await stockOf(t.app.api, product)).toBe(10);
    for (const id of orderIds) expect(await outboxRowsFor(id, 'OrderDeleted')).toBe(1);
    expect((await t.app.api.get(`/users/${user.user_id}`)).status).toBe(404);
    expect(await count(t.sql, 'select count(*) from orders where user_id = ?', [user.user_id])).toBe(0);
  });
});
