import { k6LibInNode } from './k6-lib-in-node';

const { inNode } = k6LibInNode();

const trend = (med: number, p95: number) => ({
  type: 'trend',
  values: { med, 'p(95)': p95, 'p(99)': p95 + 1, max: p95 + 2 },
});
const failures = (fails: number, passes: number) => ({
  type: 'rate',
  values: { rate: passes / (passes + fails), passes, fails },
});

/** k6 handleSummary data of a three-step ramp that broke in step 2 by its error rate and was stopped at 150 s. */
const DATA = {
  state: { testRunDurationMs: 155_000 },
  metrics: {
    scenario_elapsed_seconds: { type: 'gauge', values: { value: 150, min: 0, max: 150 } },
    errors: {
      type: 'rate',
      values: { rate: 0.02, passes: 100, fails: 4900 },
      thresholds: { 'rate<=0.01': { ok: false } },
    },
    'http_req_duration{phase:run}': trend(12, 400),
    'errors{step:1}': failures(1000, 0),
    'http_req_duration{step:1}': trend(5, 20),
    'errors{step:2}': failures(3900, 100),
    'http_req_duration{step:2}': trend(20, 600),
    'errors{step:3}': failures(0, 0),
    'http_req_duration{step:3}': trend(0, 0),
    'errors{name:place-order}': failures(4900, 100),
    'http_req_duration{name:place-order}': trend(12, 400),
  },
};
const CONTEXT = {
  scenario: {
    name: 'ramp-to-break',
    load: { model: 'closed', breakingCriteria: { errorRate: 0.01, p95Ms: 1000 } },
  },
  windows: [
    { step: 1, startSeconds: 0, endSeconds: 60, rampSeconds: 10, users: 50 },
    { step: 2, startSeconds: 60, endSeconds: 120, rampSeconds: 10, users: 100 },
    { step: 3, startSeconds: 120, endSeconds: 180, rampSeconds: 10, users: 200 },
  ],
  taskNames: ['place-order'],
  settings: { baseUrl: 'http://127.0.0.1:8080', scale: { durationScale: 1, loadScale: 1 } },
};

describe('the k6 summary (load/k6/lib/summary.js)', () => {
  test('When a ramp broke in step 2, then the report names it with its figures and each step its own RPS', () => {
    const report = inNode('result = summary.summarize(input.data, input.context);', {
      data: DATA,
      context: CONTEXT,
    });
    expect(report.breakingStep).toMatchObject({ step: 2, users: 100, errorRate: 0.025, p95: 600 });
    expect(
      report.steps.map((s: { step: number; seconds: number; requests: number; rps: number }) => [
        s.step,
        s.seconds,
        s.requests,
        s.rps,
      ]),
    ).toEqual([
      [1, 60, 1000, 16.7],
      [2, 60, 4000, 66.7],
      [3, 30, 0, 0],
    ]);
    expect(report.totals).toMatchObject({
      requests: 5000,
      rps: 33.3,
      p50: 12,
      p95: 400,
      p99: 401,
      errorRate: 0.02,
    });
    expect(report.tasks).toEqual([
      expect.objectContaining({ name: 'place-order', requests: 5000, errorRate: 0.02 }),
    ]);
    expect(report.thresholds).toEqual({ ok: false, failed: ['errors: rate<=0.01'] });
    expect(report.freshness).toBeNull();
    expect(report.droppedIterations).toBe(0);
  });

  test('When no step meets the breaking criteria, then there is no breaking step', () => {
    const steps = [
      { step: 1, requests: 10, errorRate: 0.01, p95: 1000 },
      { step: 2, requests: 0, errorRate: 1, p95: 5000 },
    ];
    expect(
      inNode('result = summary.breakingStep(input, { errorRate: 0.01, p95Ms: 1000 });', steps),
    ).toBeNull();
  });

  test('When freshness was measured, then the report counts probes shown and their latency', () => {
    const data = {
      ...DATA,
      metrics: {
        ...DATA.metrics,
        freshness_ms: trend(1500, 2500),
        freshness_visible: failures(1, 99),
      },
    };
    const report = inNode('result = summary.summarize(input.data, input.context);', {
      data,
      context: CONTEXT,
    });
    expect(report.freshness).toEqual({
      probes: 100,
      visible: 99,
      p50: 1500,
      p95: 2500,
      p99: 2501,
      max: 2502,
    });
  });

  test('When the text summary is printed, then it shows a row per task and step, the breaking step and thresholds', () => {
    const text = inNode('result = summary.textSummary(summary.summarize(input.data, input.context));', {
      data: DATA,
      context: CONTEXT,
    }) as string;
    expect(text).toContain('scenario ramp-to-break (closed) against http://127.0.0.1:8080, 150 s');
    expect(text).toMatch(/place-order\s+5000\s+33\.3\s+12\s+400\s+401\s+2%/);
    expect(text).toMatch(/step 2 100 users\s+4000\s+66\.7/);
    expect(text).toContain('breaking step: 2');
    expect(text).toContain('thresholds failed: errors: rate<=0.01');
  });
});
