import { count, createProduct, createUser, stockOf, useServiceAndSql } from './helpers';

// Both write paths keep these guarantees: the group commit (on, the default) and one transaction per order (off).
describe.each(['on', 'off'])('With ORDER_BATCHING=%s', (batching) => {
  const t = useServiceAndSql({ ORDER_BATCHING: batching });

  describe('Concurrent orders', () => {
    it('When 50 orders race for 10 units, then exactly the ones that fit succeed and stock ends at 0', async () => {
      const user = await createUser(t.app.api);
      const scarce = await createProduct(t.app.api, 4.2, 10);
      const plenty = await createProduct(t.app.api, 1, 1000);
      const attempts = await Promise.all(
        Array.from({ length: 50 }, () =>
          t.app.api.post('/orders', {
            user_id: user.user_id,
            items: [
              { product_id: plenty, quantity: 1 },
              { product_id: scarce, quantity: 1 },
            ],
          }),
        ),
      );
      const statuses = attempts.map((attempt) => attempt.status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(10);
      expect(statuses.filter((status) => status === 409)).toHaveLength(40);
      for (const rejected of attempts.filter((attempt) => attempt.status === 409)) {
        expect(rejected.body.code).toBe('INSUFFICIENT_STOCK');
        expect(rejected.body.details).toEqual([{ product_id: scarce, requested: 1, available: 0 }]);
      }
      expect(await stockOf(t.app.api, scarce)).toBe(0);
      // No partial order: the plentiful product lost exactly one unit per successful order.
      expect(await stockOf(t.app.api, plenty)).toBe(990);
      expect(await count(t.sql, 'select count(*) from orders where user_id = ?', [user.user_id])).toBe(10);
      expect(
        await count(
          t.sql,
          'select count(*) from order_items i join orders o on o.id = i.order_id where o.user_id = ?',
          [user.user_id],
        ),
      ).toBe(20);
      // Each answer's id is its own order's: its outbox row and both its items carry it (batches form here, and
      // with two lines per order an item id is not an order id).
      for (const placed of attempts.filter((attempt) => attempt.status === 201)) {
        const orderId = placed.body.order_id as number;
        expect(
          await count(
            t.sql,
            "select count(*) from outbox where type = 'OrderCreated' and json_value(payload, '$.order_id') = ? " +
              "and json_value(payload, '$.user_id') = ? and json_length(payload, '$.items') = 2",
            [orderId, user.user_id],
          ),
        ).toBe(1);
        expect(
          await count(t.sql, 'select count(*) from order_items where order_id = ? and product_id in (?)', [
            orderId,
            [plenty, scarce],
          ]),
        ).toBe(2);
      }
    });
  });

  describe('Idempotency-Key', () => {
    const orderBody = (userId: number, productId: number, quantity = 1) => ({
      user_id: userId,
      items: [{ product_id: productId, quantity }],
    });

    it('When a request is retried with the same key and body, then the stored response is replayed', async () => {
      const user = await createUser(t.app.api);
      const product = await createProduct(t.app.api, 2.5, 10);
      const key = `key-${user.user_id}`;
      const first = await t.app.api.post('/orders', orderBody(user.user_id, product), {
        headers: { 'idempotency-key': key },
      });
      const retry = await t.app.api.post('/orders', orderBody(user.user_id, product), {
        headers: { 'idempotency-key': key },
      });
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(await stockOf(t.app.api, product)).toBe(9);
      expect(await count(t.sql, 'select count(*) from orders where user_id = ?', [user.user_id])).toBe(1);
    });

    it('When the key comes back with another body, then 422 IDEMPOTENCY_KEY_REUSED and nothing changes', async () => {
      const user = await createUser(t.app.api);
      const product = await createProduct(t.app.api, 2.5, 10);
      const key = `key-${user.user_id}-b`;
      await t.app.api.post('/orders', orderBody(user.user_id, product), {
        headers: { 'idempotency-key': key },
      });
      const other = await t.app.api.post('/orders', orderBody(user.user_id, product, 2), {
        headers: { 'idempotency-key': key },
      });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await stockOf(t.app.api, product)).toBe(9);
      const tooLong = await t.app.api.post('/orders', orderBody(user.user_id, product), {
        headers: { 'idempotency-key': 'k'.repeat(129) },
      });
      expect(tooLong.status).toBe(400);
    });

    it('When 20 requests with one key arrive at once, then exactly one order exists and all answers agree', async () => {
      const user = await createUser(t.app.api);
      const product = await createProduct(t.app.api, 1, 100);
      const key = `key-${user.user_id}-c`;
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          t.app.api.post('/orders', orderBody(user.user_id, product), {
            headers: { 'idempotency-key': key },
          }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201));
      expect(new Set(answers.map((answer) => answer.body.order_id)).size).toBe(1);
      expect(await count(t.sql, 'select count(*) from orders where user_id = ?', [user.user_id])).toBe(1);
      expect(await stockOf(t.app.api, product)).toBe(99);
    });
  });
});
