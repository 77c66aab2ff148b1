import { runScenario } from '../src/runner/run-scenario';
import { answer, startTestServer, type TestServer } from './test-server';
import { closedScenario, getTask, openScenario } from './test-scenarios';

/*
 * The runner against a small local server (node:http, port 0): what it counts, how it paces, how it classifies.
 * Real sockets and timers, so the int tier. What is checked is behaviour (counts, classes, who waits for whom,
 * how many requests are outstanding at once), never how fast this machine was: it is shared.
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
    expect(result.total.requests).toBeGreaterThanOrEqual(4); // each user answered at least once
    expect(server.maxInFlight()).toBeLessThanOrEqual(4); // a user waits for its answer
    expect(result.total.failed).toBe(0);
    expect(result.total.latencyMs.p50).toBeGreaterThanOrEqual(19); // the server's 20 ms are in every latency
    expect(result.total.latencyMs.p99).toBeGreaterThanOrEqual(result.total.latencyMs.p95);
    expect(result.steps).toHaveLength(1);
    expect(result.steps[0]!.tasks.report!.requests).toBe(result.total.requests);
  });

  test('When think time is 20–60 ms, then each user thinks a drawn time in that range after each answer', async () => {
    server = await startTestServer((_req, res) => answer(res, 200, '[]'));
    const scenario = closedScenario([getTask('report', '/report')], {
      users: [5],
      stepSeconds: 1,
      thinkSeconds: [0.02, 0.06],
    });

    const result = await runScenario(scenario, { baseUrl: server.url, ...quiet, random: () => 0.5 });

    expect(result.thinkMs!.mean).toBeCloseTo(40, 6); // the middle of the range, drawn with 0.5
    // Every answer is followed by a think, except each user's last (cut by the step's end).
    expect(result.thinkMs!.count).toBeGreaterThanOrEqual(result.total.requests - 5);
    expect(result.thinkMs!.count).toBeLessThanOrEqual(result.total.requests);
    expect(server.maxInFlight()).toBeLessThanOrEqual(5);
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

  test('When latency doubles, then the open model still sends every arrival of its schedule', async () => {
    let delayMs = 40;
    server = await startTestServer((_req, res) => answer(res, 200, '[]', delayMs));
    const open = openScenario([getTask('report', '/report')], 50, 1, 20);

    const fast = (await runScenario(open, { baseUrl: server.url, ...quiet })).total;
    delayMs = 80;
    const slow = (await runScenario(open, { baseUrl: server.url, ...quiet })).total;

    // 50 per second for 1 s, whatever the latency: sent, or dropped when no connection was free.
    expect(fast.requests + fast.dropped).toBe(50);
    expect(slow.requests + slow.dropped).toBe(50);
    expect(server.hits.get('/report')).toBe(fast.requests + slow.requests);
  });

  test('When the closed model runs, then it never has more requests outstanding than users', async () => {
    server = await startTestServer((_req, res) => answer(res, 200, '[]', 30));
    const closed = closedScenario([getTask('report', '/report')], { users: [3], stepSeconds: 0.5 });

    const { total } = await runScenario(closed, { baseUrl: server.url, ...quiet });

    expect(total.requests).toBeGreaterThanOrEqual(3);
    expect(server.maxInFlight()).toBeLessThanOrEqual(3);
  });

  test('When arrivals outrun the connections, then the open model drops them and counts the drops', async () => {
    server = await startTestServer((_req, res) => answer(res, 200, '[]', 100));
    const scenario = openScenario([getTask('report', '/report')], 100, 1, 2);

    const { total } = await runScenario(scenario, { baseUrl: server.url, ...quiet });

    expect(server.maxInFlight()).toBeLessThanOrEqual(2); // never more than its connections
    expect(total.dropped).toBeGreaterThan(0); // 100 arrivals in 1 s cannot all go over 2 connections of 100 ms
    expect(total.requests + total.dropped).toBe(100);
  });
});
