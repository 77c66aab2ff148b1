import { httpClient, uniqueEmail, uniqueName, uniqueSku } from '@store/testing';
import { GATEWAY, waitFor } from './stack';

const gateway = httpClient(GATEWAY);

describe('One order through the whole stack', () => {
  test('When an order is placed through the gateway, then the projected report shows its spender', async () => {
    // Arrange
    const user = await gateway.post('/users', { name: uniqueName('e2e-buyer'), email: uniqueEmail('e2e') });
    const product = await gateway.post('/products', {
      name: uniqueName('e2e-item'),
      sku: uniqueSku(),
      price: 5000,
    });
    await gateway.post('/stocks', { product_id: product.body.product_id, quantity: 10 });
    const order = {
      user_id: user.body.user_id,
      items: [{ product_id: product.body.product_id, quantity: 3 }],
    };
    const key = { headers: { 'idempotency-key': uniqueName('e2e-order') } };

    // Act
    const placed = await gateway.post('/orders', order, key);
    const replayed = await gateway.post('/orders', order, key);

    // Assert
    expect(placed.status).toBe(201);
    expect(placed.headers.get('x-service')).toBe('orders-write');
    expect(placed.body.total_amount).toBe(15000);
    expect(replayed.body.order_id).toBe(placed.body.order_id);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    // Relay → RabbitMQ → projector → Redis → reports-read (report cache 2 s) → gateway cache (max-age).
    const spender = await waitFor(
      'the order to reach the highest-spenders report',
      async () => {
        const report = await gateway.get('/orders/reports/highest-spenders?limit=100');
        const rows = report.body as { user_id: number; total_expense: number }[];
        return rows.find((row) => row.user_id === user.body.user_id);
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(spender.total_expense).toBe(15000);
  });
});
