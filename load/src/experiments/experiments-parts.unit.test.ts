import { best, gains, largestGain, summarize, type RunSummary } from './analysis';
import { upstreamPolicies } from './balancing';
import { stackPlace } from './configurations';
import { bucketQuantile, parseHistogram } from './projection-lag';
import type { ConfigurationRun } from './measure';
import type { ScenarioResult } from '../runner/run-scenario';

const NGINX = `
  # upstream commented { ip_hash; }
  upstream orders_write {
    least_conn;
    server 127.0.0.1:25001 max_fails=1 fail_timeout=5s; server 127.0.0.1:25002 max_fails=1 fail_timeout=5s;
    keepalive 64;
  }
  upstream reports_read {
    server 127.0.0.1:25101;
    keepalive 64;
  }`;

test('When nginx.conf has upstream blocks, then each one’s policy and servers are read, round-robin by default', () => {
  expect(upstreamPolicies(NGINX)).toEqual([
    { upstream: 'orders_write', policy: 'least_conn', servers: 2 },
    { upstream: 'reports_read', policy: 'round-robin (default)', servers: 1 },
  ]);
});

const METRICS = `# HELP projection_lag_seconds lag
projection_lag_seconds_bucket{le="0.01"} 50
projection_lag_seconds_bucket{le="0.1"} 90
projection_lag_seconds_bucket{le="1"} 100
projection_lag_seconds_bucket{le="+Inf"} 100
projection_lag_seconds_sum 5
projection_lag_seconds_count 100
`;

test('When the projector’s histogram is read, then quantiles are interpolated within their bucket', () => {
  const { buckets, sum, count } = parseHistogram(METRICS, 'projection_lag_seconds');
  expect({ sum, count, buckets: buckets.length }).toEqual({ sum: 5, count: 100, buckets: 4 });
  expect(bucketQuantile(buckets, 0.5)).toBeCloseTo(0.01);
  expect(bucketQuantile(buckets, 0.99)).toBeCloseTo(0.1 + 0.9 * 0.9);
  expect(bucketQuantile([{ le: Infinity, count: 0 }], 0.99)).toBeNaN();
});

function ramp(steps: [users: number, rps: number, p95: number][], breakingStep?: number): ScenarioResult {
  const figures = (rps: number, p95: number) => ({
    requests: rps * 10,
    rps,
    latencyMs: { count: rps * 10, mean: p95 / 2, p50: p95 / 2, p90: p95, p95, p99: p95, max: p95 },
    failed: 0,
    errorRate: 0,
    errors: { transport: {}, status: {}, body: 0 },
    dropped: 0,
  });
  return {
    steps: steps.map(([users, rps, p95], index) => ({
      index,
      users,
      usersAtEnd: users,
      seconds: 10,
      tasks: {},
      ...figures(rps, p95),
    })),
    breakingPoint:
      breakingStep === undefined
        ? null
        : { step: breakingStep, users: steps[breakingStep]![0], reasons: ['p95'] },
  } as unknown as ScenarioResult;
}

const run = (label: string, result: ScenarioResult): ConfigurationRun =>
  ({ label, ramp: result, balancing: [] }) as unknown as ConfigurationRun;

test('When a ramp breaks, then the steps after the breaking one are left out and the users held are the step before', () => {
  const summary = summarize(
    run(
      'C1',
      ramp(
        [
          [50, 25, 10],
          [100, 50, 20],
          [200, 60, 2000],
          [400, 10, 5000],
        ],
        2,
      ),
    ),
  );
  expect(summary.steps.map((step) => step.users)).toEqual([50, 100, 200]);
  expect(summary.breaking).toMatchObject({ step: 2, users: 200, p95Ms: 2000 });
  expect(summary.heldUsers).toBe(100);
  expect(summary.peakRps).toBe(60);
});

test('When configurations are compared, then the best holds most users and the largest gain is named', () => {
  const c1 = summarize(run('C1', ramp([[50, 25, 2000]], 0)));
  const c2 = summarize(
    run(
      'C2',
      ramp([
        [50, 25, 10],
        [100, 50, 20],
      ]),
    ),
  );
  const c3 = summarize(
    run(
      'C3',
      ramp([
        [50, 25, 10],
        [100, 70, 20],
      ]),
    ),
  );
  const all: RunSummary[] = [c1, c2, c3];
  expect(best(all)?.label).toBe('C3');
  const steps = gains(all, 50);
  expect(steps.map((gain) => gain.heldRatio)).toEqual([4, 1]);
  expect(largestGain(steps)).toMatchObject({ from: 'C1', to: 'C2' });
});

test('When the port base is 1 (the e2e tier’s), then the experiments refuse it', () => {
  expect(stackPlace('/tmp/x', {}).gatewayUrl).toBe('http://127.0.0.1:28080');
  expect(() => stackPlace('/tmp/x', { EXPERIMENTS_PORT_BASE: '1' })).toThrow(/EXPERIMENTS_PORT_BASE/);
});
