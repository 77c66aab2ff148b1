import { classify } from './classify';
import { LatencyLog, summarizeLogs } from './latency-log';
import { orderBodies, weightedPicker } from './order-body';
import { showProgress } from './progress';
import { Recorder } from './recorder';

/** A seeded generator (mulberry32), so the proportions below are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('runner parts', () => {
  test('When latencies are logged past the initial capacity, then percentiles are nearest-rank over all of them', () => {
    const log = new LatencyLog(4);
    for (let ms = 100; ms >= 1; ms--) log.add(ms);
    const other = new LatencyLog();
    other.add(1000);

    expect(log.summary()).toMatchObject({ count: 100, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
    expect(summarizeLogs([log, other])).toMatchObject({ count: 101, max: 1000, p50: 51 });
  });

  test('When the lab mix builds orders, then ids and quantities stay in range and about 30 % get 1–2 extra lines', () => {
    const next = orderBodies(
      {
        kind: 'order',
        user: { range: { min: 1, max: 3 } },
        product: { range: { min: 1, max: 4 } },
        quantity: { min: 1, max: 5 },
        extraLines: { probability: 0.3, lines: { min: 1, max: 2 } },
      },
      { users: [], products: [] },
      seeded(7),
    );
    const orders = Array.from(
      { length: 5000 },
      () => JSON.parse(next()) as { user_id: number; items: { product_id: number; quantity: number }[] },
    );

    const withExtra = orders.filter((order) => order.items.length > 1).length / orders.length;
    expect(withExtra).toBeGreaterThan(0.27);
    expect(withExtra).toBeLessThan(0.33);
    expect(new Set(orders.map((order) => order.user_id))).toEqual(new Set([1, 2, 3]));
    const lines = orders.flatMap((order) => order.items);
    expect(new Set(lines.map((line) => line.product_id))).toEqual(new Set([1, 2, 3, 4]));
    expect(new Set(lines.map((line) => line.quantity))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(Math.max(...orders.map((order) => order.items.length))).toBe(3);
  });

  test('When tasks are weighted 1:1:2, then they are picked in that proportion', () => {
    const pick = weightedPicker([1, 1, 2], seeded(3));
    const counts = [0, 0, 0];
    for (let i = 0; i < 8000; i++) counts[pick()]!++;
    expect(counts[0]! / 8000).toBeCloseTo(0.25, 1);
    expect(counts[2]! / 8000).toBeCloseTo(0.5, 1);
  });

  test('When an answer has the wrong status, a non-array body or lacks the field, then it is classified so', () => {
    const array = { status: 200, body: 'array' as const };
    const order = { status: 201, body: { field: 'order_id' } };
    expect(classify({ status: 200, looksLikeArray: true, text: undefined }, array)).toBe('ok');
    expect(classify({ status: 503, looksLikeArray: true, text: undefined }, array)).toBe('status');
    expect(classify({ status: 200, looksLikeArray: false, text: undefined }, array)).toBe('body');
    expect(classify({ status: 201, looksLikeArray: false, text: '{"order_id":3}' }, order)).toBe('ok');
    expect(classify({ status: 201, looksLikeArray: false, text: '{"id":3}' }, order)).toBe('body');
    expect(classify({ status: 201, looksLikeArray: false, text: '<html>' }, order)).toBe('body');
  });

  test('When the output is not a terminal, then the progress line is a plain line with users, rps, p50/p95 and errors', async () => {
    const recorder = new Recorder(['report']);
    const step = recorder.beginStep({ users: 3 });
    recorder.users = 3;
    recorder.answered(step, 0, 4);
    recorder.transportError(step, 0, 'ECONNRESET');
    const lines: string[] = [];
    const stop = showProgress(recorder, {
      stream: { write: (text) => lines.push(text) > 0 },
      everyMs: 20,
      label: 'test',
    });

    await new Promise((resolve) => setTimeout(resolve, 30));
    stop();

    expect(lines[0]).toMatch(
      /^test \d+ s \| step 1 \| users 3 \| \d+ rps \| p50 4\.0 ms p95 4\.0 ms \| errors 1 \(50\.0 %\)\n$/,
    );
  });
});
