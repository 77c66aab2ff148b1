import { ceilingsFor, scenarioRows } from './bench-table';
import type { Ceiling } from './calibration/ceilings';
import type { Figures, StepFigures } from './runner/figures';
import type { ScenarioResult } from './runner/run-scenario';
import { scenarioSchema } from './scenarios/schema';

const figures = (rps: number, p50: number): Figures => ({
  requests: rps * 10,
  rps,
  latencyMs: { count: rps * 10, mean: p50, p50, p90: p50, p95: p50, p99: p50, max: p50 },
  failed: 0,
  errorRate: 0,
  errors: { transport: {}, status: {}, body: 0 },
  dropped: 0,
});

const ceiling = (name: Ceiling['name'], rps: number, unloadedP50: number): Ceiling => ({
  name,
  users: 32,
  unloaded: figures(100, unloadedP50),
  loaded: figures(rps, 5),
});

const read = {
  name: 'report',
  weight: 1,
  method: 'GET',
  path: '/orders/reports/best-sellers',
  expect: { status: 200, body: 'array' },
};
const order = {
  ...read,
  name: 'order',
  method: 'POST',
  path: '/orders',
  expect: { status: 201, body: { field: 'order_id' } },
};
const scenario = scenarioSchema.parse({
  name: 'mix',
  description: 'a test mix',
  setup: {},
  tasks: [read, order],
  load: {
    model: 'closed',
    thinkTimeSeconds: { min: 0, max: 0 },
    steps: [{ users: 10, durationSeconds: 1 }],
    rampSeconds: 0,
  },
  thresholds: { errorRate: 0.01, p95Ms: 1000 },
});

describe('bench table', () => {
  test('When a mix has reads and orders, then reads are compared with nginx and Express + Redis and orders with the transaction', () => {
    const step: StepFigures = {
      ...figures(300, 2),
      index: 0,
      users: 10,
      usersAtEnd: 10,
      startedAtMs: 0,
      endedAtMs: 10_000,
      seconds: 10,
      tasks: { report: figures(200, 1), order: figures(100, 10) },
    };
    const result = {
      steps: [step],
      breakingPoint: { step: 0, users: 10, reasons: ['p95'] },
    } as unknown as ScenarioResult;
    const ceilings = [
      ceiling('nginx-fixed-body', 1000, 0.1),
      ceiling('express-redis', 400, 0.5),
      ceiling('order-transaction', 200, 2.5),
    ];

    const [reads, orders, all] = scenarioRows(scenario, result, ceilings);

    expect(ceilingsFor(scenario.tasks[1]!)).toEqual(['order-transaction']);
    expect(reads).toMatchObject({
      step: '1 (breaks)',
      'rps/nginx': '20 %',
      'rps/express+redis': '50 %',
      'rps/order tx': '',
      'p50/floor': '2×',
    });
    expect(orders).toMatchObject({ 'rps/nginx': '', 'rps/order tx': '50 %', 'p50/floor': '4×' });
    expect(all).toMatchObject({ task: 'all', rps: 300, 'rps/nginx': '' });
  });
});
