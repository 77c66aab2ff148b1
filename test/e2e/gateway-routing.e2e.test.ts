import { httpClient } from '@store/testing';
import { GATEWAY } from './stack';

const gateway = httpClient(GATEWAY);

describe('Gateway routing', () => {
  test('When a report is requested, then reports-read answers it', async () => {
    const response = await gateway.get('/orders/reports/highest-spenders');

    expect(response.status).toBe(200);
    expect(response.headers.get('x-service')).toBe('reports-read');
    expect(Array.isArray(response.body)).toBe(true);
  });

  test.each(['/products/1', '/users/1', '/stocks/1', '/stocks/reports/overview-stocks', '/orders?user_id=1'])(
    'When %s is requested, then orders-write answers it',
    async (path) => {
      const response = await gateway.get(path);

      expect(response.status).toBe(200);
      expect(response.headers.get('x-service')).toBe('orders-write');
    },
  );

  test('When a client sends X-Request-Id and traceparent, then both reach the service and come back', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    const response = await gateway.get('/products/1', {
      headers: { 'x-request-id': 'e2e-request-42', traceparent },
    });

    expect(response.headers.get('x-request-id')).toBe('e2e-request-42');
    expect(response.headers.get('traceparent')).toContain('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  test('When a client sends no X-Request-Id, then the gateway makes one and returns exactly one', async () => {
    const response = await gateway.get('/products/1');

    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  test('When a route does not exist, then the answer is 404 in the API error shape', async () => {
    const response = await gateway.get('/no-such-route');

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.body).toMatchObject({ code: 'NOT_FOUND', error: expect.any(String) });
  });

  test.each([
    '/metrics',
    '/METRICS',
    '/metrics/',
    '/admin/rebuild',
    '/health/ready',
    '/health/live',
    '/%6Detrics',
  ])('When %s is requested through the gateway, then it is not reachable (404 JSON)', async (path) => {
    const response = await gateway.get(path);

    expect(response.status).toBe(404);
    expect(response.headers.get('x-service')).toBeNull();
    expect(response.body).toEqual({ error: 'not found', code: 'NOT_FOUND' });
  });

  test('When the rebuild admin route is POSTed through the gateway, then it is refused', async () => {
    const response = await gateway.post('/admin/rebuild', {});

    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'NOT_FOUND' });
  });

  test("When the gateway's own /health-check is requested, then it answers without a service", async () => {
    const response = await gateway.get('/health-check');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers.get('x-service')).toBeNull();
  });
});
