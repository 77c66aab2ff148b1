import type { ServerResponse } from 'node:http';
import { runScenario } from '../src/runner/run-scenario';
import { answer, startTestServer, type TestServer } from './test-server';
import { closedScenario, getTask } from './test-scenarios';

/*
 * The runner's stateful parts against a local server (real sockets and timers, so the int tier): a breaking
 * point found where the server fails beyond a concurrency, set-up's created ids used by the orders, and
 * freshness against a report that shows an order a fixed time after it was answered. Behaviour, not speed:
 * nothing here depends on how fast the shared machine is.
 */
describe('runScenario with set-up, breaking criteria and freshness', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const quiet = { progress: false as const };

  test('When the server fails beyond 5 requests at once, then ramp-to-break stops at the first step with more users', async () => {
    const testServer = await startTestServer((_req, res) =>
      testServer.inFlight() > 5 ? answer(res, 500, '{"error":"busy"}') : answer(res, 200, '[]', 10),
    );
    server = testServer;
    const scenario = closedScenario([getTask('report', '/report')], {
      users: [1, 2, 4, 8, 16, 32],
      stepSeconds: 1,
      breakAt: { errorRate: 0.01 }, // up to 4 users nothing fails; 8 users keep more than 5 requests out
    });

    const result = await runScenario(scenario, { baseUrl: server.url, ...quiet });

    expect(result.breakingPoint).toEqual({
      step: 3,
      users: 8,
      reasons: [expect.stringMatching(/^error rate /)],
    });
    expect(result.steps.slice(0, 3).map((step) => step.errorRate)).toEqual([0, 0, 0]);
    expect(result.steps.map((step) => step.users)).not.toContain(32); // it stopped
  });

  test('When set-up creates users and products, then the orders name only those and the products are stocked', async () => {
    const posted: Record<string, unknown>[] = [];
    let nextId = 100;
    server = await startTestServer((req, res, body) => {
      const json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      if (req.url === '/users') answer(res, 201, JSON.stringify({ user_id: nextId++ }));
      else if (req.url === '/products') answer(res, 201, JSON.stringify({ product_id: nextId++ }));
      else if (req.url === '/stocks') answer(res, 201, JSON.stringify(json));
      else {
        posted.push(json);
        answer(res, 201, '{"order_id":1}');
      }
    });
    const order = {
      kind: 'order',
      user: { created: 'users' },
      product: { created: 'products' },
      quantity: { min: 1, max: 5 },
      extraLines: { probability: 0.5, lines: { min: 1, max: 2 } },
    };
    const task = {
      name: 'order',
      weight: 1,
      method: 'POST',
      path: '/orders',
      body: order,
      expect: { status: 201, body: { field: 'order_id' } },
    };
    const setup = {
      restock: { productIds: [1, 2], quantity: 1000 },
      createUsers: 3,
      createProducts: 2,
      createdStock: 50,
    };
    const scenario = closedScenario([task], { users: [2], stepSeconds: 0.3 }, setup);

    const result = await runScenario(scenario, { baseUrl: server.url, ...quiet });

    expect(server.hits.get('/users')).toBe(3);
    expect(server.hits.get('/products')).toBe(2);
    expect(server.hits.get('/stocks')).toBe(4); // 2 restocked + 2 created
    expect(result.total.failed).toBe(0);
    const users = new Set(posted.map((o) => o.user_id));
    const products = new Set(
      posted.flatMap((o) => (o.items as { product_id: number }[]).map((i) => i.product_id)),
    );
    expect([...users].every((id) => [100, 101, 102].includes(id as number))).toBe(true);
    expect([...products].every((id) => [103, 104].includes(id))).toBe(true);
    expect(posted.some((o) => (o.items as unknown[]).length > 1)).toBe(true);
  });

  test('When the report shows an order 150 ms after it was answered, then freshness is at least 150 ms and polls are not requests', async () => {
    const VISIBLE_AFTER_MS = 150;
    const shop = fakeShop(VISIBLE_AFTER_MS);
    server = await startTestServer(shop.handle);
    const freshness = {
      name: 'freshness',
      weight: 1,
      kind: 'freshness',
      reportPath: '/orders/reports/highest-spenders?limit=100',
      pollIntervalMs: 10,
      timeoutMs: 2000,
    };
    const setup = { createUsers: 2, createProducts: 1, createdStock: 1000 };
    const scenario = closedScenario([freshness], { users: [2], stepSeconds: 1 }, setup);

    const result = await runScenario(scenario, { baseUrl: server.url, ...quiet });

    const figures = result.total.tasks.freshness!;
    expect(figures.requests).toBe(server.hits.get('/orders'));
    expect(figures.failed).toBe(0);
    expect(figures.freshnessTimeouts).toBe(0);
    expect(figures.freshnessMs!.count).toBeGreaterThan(0);
    // An order cannot be seen before the report shows it (the 1 ms is the timers' rounding).
    expect(figures.freshnessMs!.p50).toBeGreaterThanOrEqual(VISIBLE_AFTER_MS - 1);
    expect(shop.deleted.sort()).toEqual(shop.created.sort()); // tear-down removed the probes' users and product
    expect(shop.priceCents).toBeGreaterThan(2 * 500); // priced to top the report
  });
});

/** The slice of the API freshness needs: users, products, stock, orders, and a report that lags behind. */
function fakeShop(visibleAfterMs: number) {
  const spent = new Map<number, number>([[1, 500]]); // an ordinary top spender: $5
  const prices = new Map<number, number>();
  const created: string[] = [];
  const deleted: string[] = [];
  let nextId = 1000;
  const handle = (req: { url?: string; method?: string }, res: ServerResponse, body: string) => {
    const json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (req.url?.startsWith('/orders/reports/highest-spenders')) {
      const rows = [...spent]
        .sort((a, b) => b[1] - a[1])
        .map(([id, cents]) => ({ user_id: id, total_expense: cents / 100 }));
      return answer(res, 200, JSON.stringify(rows));
    }
    if (req.url === '/users') {
      created.push(`/users/${nextId}`);
      return answer(res, 201, JSON.stringify({ user_id: nextId++ }));
    }
    if (req.url === '/products') {
      created.push(`/products/${nextId}`);
      prices.set(nextId, Math.round((json.price as number) * 100));
      return answer(res, 201, JSON.stringify({ product_id: nextId++ }));
    }
    if (req.url === '/stocks') return answer(res, 201, '{}');
    if (req.method === 'DELETE') {
      deleted.push(req.url!);
      return answer(res, 200, '{}');
    }
    const items = json.items as { product_id: number; quantity: number }[];
    const cents = items.reduce((sum, item) => sum + prices.get(item.product_id)! * item.quantity, 0);
    const user = json.user_id as number;
    setTimeout(() => spent.set(user, (spent.get(user) ?? 0) + cents), visibleAfterMs);
    return answer(res, 201, '{"order_id":1}');
  };
  return {
    handle,
    created,
    deleted,
    get priceCents() {
      return Math.max(...prices.values());
    },
  };
}
