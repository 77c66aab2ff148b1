import { runScenario } from './run-scenario';
import { answer, startTestServer, type TestServer } from './test-server';
import { closedScenario, getTask, openScenario } from './test-scenarios';

/*
 * The runner against a small local server (node:http, port 0): what it counts, how it paces, how it classifies.
 * Latencies and rates are checked within wide bounds: the machine is shared and timers are not exact.
 */
describe('runScenario', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const quiet = { progress: false as const };

  test('When users run without think time, then every answered request is counted once and its latency recorded', async () => {
    server = await startTestServer((_req, res) => answer(res, 200, '[]', 20));
    const scenario = closedScenario([getTask('report', '/report')], { users: [4], stepSeconds: 1 });

    const result = await runScenario(scenario, { baseUrl: server.url, ...quiet });

    expect(result.total.requests).toBe(server.hits.get('/report'));
    expect(result.total.requests).toBeGreaterThan(80); // ≤ 4 users × 1000 ms / 20 ms = 200
    expect(result.total.failed).toBe(0);
    expect(result.total.latencyMs.p50).toBeGreaterThanOrEqual(19);
    expect(result.total.latencyMs.p50).toBeLessThan(60);
    expect(result.total.latencyMs.p99).toBeGreaterThanOrEqual(result.total.latencyMs.p95);
    expect(result.steps).toHaveLength(1);
    expect(result.steps[0]!.tasks.report!.requests).toBe(result.total.requests);
  });

  test('When think time is 20–60 ms, then users think 40 ms on average and the rate follows', async () => {
    server = await startTestServer((_req, res) => answer(res, 200, '[]'));
    const scenario = closedScenario([getTask('report', '/report')], {
      users: [5],
      stepSeconds: 2,
      thinkSeconds: [0.02, 0.06],
    });

    const result = await runScenario(scenario, { baseUrl: server.url, ...quiet });

    expect(result.thinkMs!.count).toBeGreaterThan(150);
    expect(result.thinkMs!.mean).toBeGreaterThan(35);
    expect(result.thinkMs!.mean).toBeLessThan(45);
    // 5 users × 2000 ms / (40 ms think + a little latency) ≈ 250 at most.
    expect(result.total.requests).toBeGreaterThan(150);
    expect(result.total.requests).toBeLessThanOrEqual(270);
  });

  test('When the server answers 500, a wrong body or closes the socket, then each is counted in its class', async () => {
    server = await startTestServer((req, res) => {
      if (req.url === '/fails') answer(res, 500, '{"error":"boom"}');
      else if (req.url === '/object') answer(res, 200, '{"not":"an array"}');
      else if (req.url === '/truncated') answer(res, 200, '[{"a":1');
      else if (req.url === '/hangs-up') req.socket.destroy();
      else if (req.method === 'POST') answer(res, 201, '{"order_id":7}');
      else answer(res, 200, '[]');
    });
    const order = (name: string, path: string) => ({
      name,
      weight: 1,
      method: 'POST',
      path,
      expect: { status: 201, body: { field: 'order_id' } },
    });
    const scenario = closedScenario(
      [
        getTask('fine', '/fine'),
        getTask('fails', '/fails'),
        getTask('object', '/object'),
        getTask('truncated', '/truncated'),
        getTask('hangs-up', '/hangs-up'),
        order('order', '/orders'),
        { ...order('no-field', '/orders'), expect: { status: 201, body: { field: 'receipt' } } },
      ],
      { users: [3], stepSeconds: 0.6 },
    );

    const { tasks } = (await runScenario(scenario, { baseUrl: server.url, ...quiet })).total;

    expect(tasks.fine!.failed).toBe(0);
    expect(tasks.order!.failed).toBe(0);
    expect(tasks.fails!.errors).toEqual({ transport: {}, status: { 500: tasks.fails!.requests }, body: 0 });
    expect(tasks.object!.errors.body).toBe(tasks.object!.requests);
    expect(tasks.truncated!.errors.body).toBe(tasks.truncated!.requests);
    expect(tasks['no-field']!.errors.body).toBe(tasks['no-field']!.requests);
    expect(Object.keys(tasks['hangs-up']!.errors.transport)).toEqual(['UND_ERR_SOCKET']);
    expect(tasks['hangs-up']!.failed).toBe(tasks['hangs-up']!.requests);
    for (const name of ['fails', 'object', 'hangs-up', 'order'])
      expect(tasks[name]!.requests).toBeGreaterThan(0);
  });

  test('When onAnswer is given, then it is told every answer with its body, and every transport error, once', async () => {
    let next = 0;
    server = await startTestServer((req, res) => {
      if (req.url === '/hangs-up') req.socket.destroy();
      else answer(res, 201, JSON.stringify({ order_id: ++next }));
    });
    const order = {
      name: 'order',
      weight: 1,
      method: 'POST',
      path: '/orders',
      expect: { status: 201, body: { field: 'order_id' } },
    };
    const scenario = closedScenario([order, getTask('hangs-up', '/hangs-up')], {
      users: [2],
      stepSeconds: 0.5,
    });
    const seen: { task: string; orderId?: number; error?: string }[] = [];

    const { tasks } = (
      await runScenario(scenario, {
        baseUrl: server.url,
        ...quiet,
        onAnswer: (task, outcome) =>
          seen.push(
            'error' in outcome
              ? { task, error: outcome.error }
              : { task, orderId: (JSON.parse(outcome.text!) as { order_id: number }).order_id },
          ),
      })
    ).total;

    const orderIds = seen.filter((s) => s.task === 'order').map((s) => s.orderId);
    expect(orderIds).toHaveLength(tasks.order!.requests);
    expect(new Set(orderIds)).toEqual(new Set(Array.from({ length: next }, (_, i) => i + 1)));
    expect(seen.filter((s) => s.task === 'hangs-up')).toEqual(
      Array.from({ length: tasks['hangs-up']!.requests }, () => ({
        task: 'hangs-up',
        error: 'UND_ERR_SOCKET',
      })),
    );
    expect(tasks['hangs-up']!.requests).toBeGreaterThan(0);
  });

  test('When latency doubles, then the open model keeps its rate and the closed model slows down', async () => {
    let delayMs = 40;
    server = await startTestServer((_req, res) => answer(res, 200, '[]', delayMs));
    const open = openScenario([getTask('report', '/report')], 50, 1, 20);
    const closed = closedScenario([getTask('report', '/report')], { users: [4], stepSeconds: 1 });
    const measure = async () => ({
      open: (await runScenario(open, { baseUrl: server!.url, ...quiet })).total,
      closed: (await runScenario(closed, { baseUrl: server!.url, ...quiet })).total,
    });

    const fast = await measure();
    delayMs = 80;
    const slow = await measure();

    expect(fast.open.requests).toBeGreaterThanOrEqual(48);
    expect(slow.open.requests).toBe(fast.open.requests);
    expect(slow.open.dropped).toBe(0);
    expect(slow.closed.requests).toBeLessThan(fast.closed.requests * 0.7);
  });

  test('When arrivals outrun the connections, then the open model drops them and counts the drops', async () => {
    server = await startTestServer((_req, res) => answer(res, 200, '[]', 100));
    const scenario = openScenario([getTask('report', '/report')], 100, 1, 2);

    const { total } = await runScenario(scenario, { baseUrl: server.url, ...quiet });

    expect(total.requests).toBeLessThanOrEqual(22); // 2 connections × 1 s / 100 ms, give or take a boundary
    expect(total.requests + total.dropped).toBe(100);
  });
});
