import { runBenchLoad } from '../src/bench-load';
import { answer, startTestServer, type TestServer } from './test-server';

/*
 * The benches' load through the runner, against a local server (port 0): the bodies the bench makes are the ones
 * sent, and every request lands in exactly one count (a status or a transport error), as the benches read them.
 */
describe('runBenchLoad', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test('When the bench makes its own bodies, then each request carries one and every answer is counted by status', async () => {
    const received: unknown[] = [];
    server = await startTestServer((_req, res, body) => {
      received.push(JSON.parse(body));
      // Every third order is refused, as an order on exhausted stock is.
      if (received.length % 3 === 0) answer(res, 409, '{"error":"out of stock","code":"INSUFFICIENT_STOCK"}');
      else answer(res, 201, '{"order_id":1}');
    });
    let made = 0;

    const result = await runBenchLoad({
      url: server.url,
      task: { method: 'POST', path: '/orders', expect: { status: 201, body: { field: 'order_id' } } },
      body: () => ({ user_id: 1, items: [{ product_id: 2, quantity: ++made }] }),
      users: 2,
      seconds: 0.5,
    });

    expect(result.requests).toBe(received.length);
    expect(result.requests).toBe(made);
    expect(received).toContainEqual({ user_id: 1, items: [{ product_id: 2, quantity: 1 }] });
    expect(result.statuses['201']).toBe(result.requests - Math.floor(result.requests / 3));
    expect(result.statuses['409']).toBe(Math.floor(result.requests / 3));
    expect(result.errors).toBe(0);
    expect(result.latencyMs.count).toBe(result.requests);
  });

  test('When a 201 lacks the expected field, then it still counts as a 201 (the benches count statuses)', async () => {
    server = await startTestServer((_req, res) => answer(res, 201, '{}'));

    const result = await runBenchLoad({
      url: server.url,
      task: { method: 'POST', path: '/orders', expect: { status: 201, body: { field: 'order_id' } } },
      body: () => ({}),
      users: 1,
      seconds: 0.3,
    });

    expect(result.requests).toBeGreaterThan(0);
    expect(result.statuses).toEqual({ '201': result.requests });
  });
});
