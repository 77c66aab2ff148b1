import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, SCENARIOS_DIR, scenarioNames } from './catalog';
import { k6LibInNode, SEEDED_RANDOM as SEEDED } from './k6-lib-in-node';
import { scaleScenario, scenarioSeconds } from './scale';

const { inNode } = k6LibInNode();
const rawScenario = (name: string): unknown =>
  JSON.parse(readFileSync(join(SCENARIOS_DIR, `${name}.json`), 'utf8'));

describe('the k6 plan and draws (load/k6/lib/plan.js, draw.js)', () => {
  test.each(scenarioNames())('When %s is scaled in k6, then it equals the runner scaling', (name) => {
    for (const scale of [
      { durationScale: 1, loadScale: 1 },
      { durationScale: 0.013, loadScale: 0.037 },
    ]) {
      const k6 = inNode('result = plan.scaleScenario(input.scenario, input.scale);', {
        scenario: rawScenario(name),
        scale,
      });
      const runner = scaleScenario(loadScenario(name), scale);
      expect(k6.load).toEqual(runner.load);
      expect(k6.setup).toMatchObject({
        createUsers: runner.setup.createUsers,
        createProducts: runner.setup.createProducts,
      });
    }
  });

  test('When DURATION_SCALE is not a positive number, then the k6 script refuses to start', () => {
    expect(() => inNode('result = plan.readScale({ DURATION_SCALE: "-1" });')).toThrow(
      /DURATION_SCALE must be/,
    );
    expect(inNode('result = plan.readScale({ LOAD_SCALE: "0.5" });')).toEqual({
      durationScale: 1,
      loadScale: 0.5,
    });
  });

  test('When the closed options are built, then the stages ramp into each step and last as long as the steps', () => {
    const scenario = scaleScenario(loadScenario('spike'), { durationScale: 0.1, loadScale: 1 });
    const options = inNode('result = plan.buildOptions(input);', scenario);
    expect(options.scenarios.spike).toMatchObject({ executor: 'ramping-vus', startVUs: 0 });
    expect(options.scenarios.spike.stages).toEqual([
      { duration: '0ms', target: 100 },
      { duration: '6000ms', target: 100 },
      { duration: '0ms', target: 1000 },
      { duration: '6000ms', target: 1000 },
      { duration: '0ms', target: 100 },
      { duration: '6000ms', target: 100 },
    ]);
    const total = options.scenarios.spike.stages.reduce(
      (sum: number, s: { duration: string }) => sum + parseInt(s.duration, 10),
      0,
    );
    expect(total / 1000).toBe(scenarioSeconds(scenario));
    expect(options.thresholds).toMatchObject({
      errors: ['rate<=0.01'],
      'http_req_duration{phase:run}': ['p(95)<=1000'],
      'errors{name:place-order}': ['rate>=0'],
      'http_req_duration{step:3}': ['max>=0'],
    });
  });

  test('When ramp-to-break options are built, then every step aborts the run on its own errors or p95', () => {
    const options = inNode('result = plan.buildOptions(input);', loadScenario('ramp-to-break'));
    expect(options.scenarios['ramp-to-break'].stages.slice(0, 4)).toEqual([
      { duration: '10000ms', target: 50 },
      { duration: '50000ms', target: 50 },
      { duration: '10000ms', target: 100 },
      { duration: '50000ms', target: 100 },
    ]);
    // Step 2 starts at 60 s; judged after its 10 s ramp and 10 s more.
    expect(options.thresholds['errors{step:2}']).toEqual([
      { threshold: 'rate<=0.01', abortOnFail: true, delayAbortEval: '80000ms' },
    ]);
    expect(options.thresholds['http_req_duration{step:10}']).toEqual([
      { threshold: 'p(95)<=1000', abortOnFail: true, delayAbortEval: '560000ms' },
    ]);
  });

  test('When the open options are built, then the arrival rate jumps to each step rate with its connections', () => {
    const options = inNode('result = plan.buildOptions(input);', loadScenario('uniform-write'));
    expect(options.scenarios['uniform-write']).toMatchObject({
      executor: 'ramping-arrival-rate',
      startRate: 100,
      timeUnit: '1s',
      preAllocatedVUs: 400,
      maxVUs: 400,
    });
    expect(options.scenarios['uniform-write'].stages.slice(0, 2)).toEqual([
      { duration: '0s', target: 100 },
      { duration: '30000ms', target: 100 },
    ]);
  });

  test('When freshness options are built, then its probes may finish and have their own thresholds', () => {
    const options = inNode('result = plan.buildOptions(input);', loadScenario('freshness'));
    expect(options.scenarios.freshness.gracefulStop).toBe('80s');
    expect(options.thresholds).toMatchObject({
      freshness_ms: ['p(99)<75000'],
      freshness_visible: ['rate>=0.99'],
      'errors{name:order-to-report-order}': ['rate>=0'],
      'errors{name:order-to-report-poll}': ['rate>=0'],
    });
  });

  test('When time passes, then requests are tagged with the step running, the last one after the end', () => {
    const steps = inNode(
      'const w = plan.stepWindows(input.load); result = [0, 59.9, 60, 179, 500].map((s) => plan.stepAt(w, s));',
      loadScenario('spike'),
    );
    expect(steps).toEqual([1, 1, 2, 3, 3]);
  });

  test('When 30,000 tasks are picked 1:1:1, then each gets a third, within 2 points', () => {
    const counts = inNode(
      `${SEEDED} result = {}; for (let i = 0; i < 30000; i++) { const t = draw.pickTask(input.tasks, random); result[t.name] = (result[t.name] || 0) + 1; }`,
      loadScenario('read-write'),
    );
    for (const name of ['place-order', 'highest-spenders', 'best-sellers']) {
      expect(Math.abs(counts[name] / 30000 - 1 / 3)).toBeLessThan(0.02);
    }
  });

  test('When lab orders are drawn, then lines are distinct products in range and 30 % of orders have extra lines', () => {
    const orders = inNode(
      `${SEEDED} result = []; for (let i = 0; i < 5000; i++) result.push(draw.orderBody(input.tasks[0].body, {}, random));`,
      loadScenario('read-write'),
    ) as { user_id: number; items: { product_id: number; quantity: number }[] }[];
    const withExtra = orders.filter((order) => order.items.length > 1).length / orders.length;
    expect(Math.abs(withExtra - 0.3)).toBeLessThan(0.03);
    for (const order of orders) {
      expect(order.user_id).toBeGreaterThanOrEqual(1);
      expect(order.user_id).toBeLessThanOrEqual(3);
      expect(order.items.length).toBeLessThanOrEqual(3);
      expect(new Set(order.items.map((item) => item.product_id)).size).toBe(order.items.length);
      for (const item of order.items) {
        expect(item.product_id >= 1 && item.product_id <= 4).toBe(true);
        expect(item.quantity >= 1 && item.quantity <= 5).toBe(true);
      }
    }
  });

  test('When orders name created rows, then they use the ids set-up created, never more lines than products', () => {
    const orders = inNode(
      `${SEEDED} result = []; for (let i = 0; i < 500; i++) result.push(draw.orderBody(input.body, { users: [70, 71], products: [90] }, random));`,
      { body: (loadScenario('uniform-write').tasks[0] as { body: unknown }).body },
    ) as { user_id: number; items: { product_id: number }[] }[];
    expect(new Set(orders.map((order) => order.user_id))).toEqual(new Set([70, 71]));
    expect(orders.every((order) => order.items.length === 1 && order.items[0]!.product_id === 90)).toBe(true);
  });

  test('When think time is drawn, then it stays within 1-3 s', () => {
    const draws = inNode(
      `${SEEDED} result = []; for (let i = 0; i < 2000; i++) result.push(draw.thinkSeconds({ min: 1, max: 3 }, random));`,
    ) as number[];
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...draws)).toBeLessThan(3);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(2, 1);
  });
});
