import type { Scenario } from '../scenarios/schema';
import { round } from '../stats';
import { bucketQuantile, parseHistogram } from '../experiments/projection-lag';
import { sampleValue } from '../experiments/resources';
import { LAB_ORDER_TASK } from '../calibration/ceilings';

/*
 * The pure half of the order-cost bench: the scenario of one rate and the per-order figures of one measured
 * window, from what was read before and after it (CPU per process group, each orders-write's /metrics, the
 * projector's /metrics). No I/O here, so every division is unit-tested.
 */

const placeOrder = LAB_ORDER_TASK;

const report = (name: string) =>
  ({
    name,
    weight: 1,
    method: 'GET',
    path: `/orders/reports/${name}`,
    expect: { status: 200, body: 'array' },
  }) as const;

/**
 * A fixed arrival rate of orders per second for `seconds`; with reads, twice as many report reads (the lab's
 * 1 : 2 mix, half highest spenders, half best sellers). The calibration server has no reports: orders only.
 */
export function orderCostScenario(
  ordersPerSecond: number,
  seconds: number,
  withReads: boolean,
  maxConnections = 256,
): Scenario {
  const tasks = withReads ? [placeOrder, report('highest-spenders'), report('best-sellers')] : [placeOrder];
  return {
    name: 'order-cost',
    description: `${ordersPerSecond} orders/s${withReads ? ' + 2× report reads' : ''}, open model`,
    setup: { createUsers: 0, createProducts: 0, createdStock: 0 },
    tasks: tasks.map((task) => ({ ...task })),
    load: {
      model: 'open',
      steps: [{ ratePerSecond: ordersPerSecond * tasks.length, durationSeconds: seconds }],
      maxConnections,
    },
    thresholds: { errorRate: 0.01, p95Ms: 1000 },
  };
}

/** What was read at one edge of the window: /metrics texts of every orders-write replica and of the projector. */
export interface MetricsAt {
  writers: string[];
  projector: string | undefined;
}

/** The sum over replicas of one sample (name and optional label filter) after minus before. */
export function counterDelta(before: string[], after: string[], name: string, label = ''): number {
  const total = (texts: string[]) =>
    texts.reduce((sum, text) => sum + (sampleValue(text, name, label) ?? 0), 0);
  return total(after) - total(before);
}

/** db_queries_total per statement kind over the window (the label values the service gives). */
export function statementsByKind(before: string[], after: string[]): Record<string, number> {
  const kinds = new Set<string>();
  for (const text of after)
    for (const match of text.matchAll(/db_queries_total\{[^}]*statement="([^"]+)"/g)) kinds.add(match[1]!);
  return Object.fromEntries(
    [...kinds]
      .sort()
      .map((kind) => [kind, counterDelta(before, after, 'db_queries_total', `statement="${kind}"`)]),
  );
}

/** A histogram's change over the window: count, mean and the p50/p99 estimated from its buckets. */
export function histogramDelta(before: string[], after: string[], name: string) {
  const merged = (texts: string[]) => {
    const buckets = new Map<number, number>();
    let sum = 0;
    let count = 0;
    for (const text of texts) {
      const histogram = parseHistogram(text, name);
      sum += histogram.sum;
      count += histogram.count;
      for (const bucket of histogram.buckets)
        buckets.set(bucket.le, (buckets.get(bucket.le) ?? 0) + bucket.count);
    }
    return { buckets, sum, count };
  };
  const [first, last] = [merged(before), merged(after)];
  const count = last.count - first.count;
  const buckets = [...last.buckets]
    .map(([le, value]) => ({ le, count: value - (first.buckets.get(le) ?? 0) }))
    .sort((a, b) => a.le - b.le);
  return {
    count,
    mean: count > 0 ? (last.sum - first.sum) / count : Number.NaN,
    /** Share of the observations in the first bucket (for order_batch_size: batches of one order). */
    firstBucketShare: count > 0 ? (buckets[0]?.count ?? 0) / count : Number.NaN,
    p50: bucketQuantile(buckets, 0.5),
    p99: bucketQuantile(buckets, 0.99),
  };
}

/** One window's inputs, as the bench measured them. */
export interface WindowMeasure {
  target: string;
  ordersPerSecond: number;
  seconds: number;
  /** Orders answered 201. */
  placed: number;
  /** CPU milliseconds per process group over the window (the load generator left out). */
  cpuMs: Record<string, number>;
  orderLatency: { p50: number; p99: number };
  readLatency?: { p50: number; p99: number };
  metrics?: { before: MetricsAt; after: MetricsAt };
}

export type CostRow = Record<string, string | number>;

const perOrder = (value: number, placed: number) => (placed > 0 ? value / placed : Number.NaN);

/**
 * One row of the table: CPU ms per order of each group and of all (the load generator apart), SQL statements
 * per order (db_queries_total: every statement, those of a multi-statement counted one by one), the mean batch
 * size, the share of single-order batches, latencies, and projection lag (projection_lag_seconds, ms).
 */
export function costRow(window: WindowMeasure, groups: readonly string[]): CostRow {
  const { placed } = window;
  const cpu = Object.fromEntries(
    groups.map((group) => [`${group} ms/order`, round(perOrder(window.cpuMs[group] ?? 0, placed), 3)]),
  );
  const total = Object.entries(window.cpuMs)
    .filter(([group]) => group !== 'load generator')
    .reduce((sum, [, ms]) => sum + ms, 0);
  const row: CostRow = {
    target: window.target,
    'orders/s asked': window.ordersPerSecond,
    'orders placed/s': round(placed / window.seconds, 1),
    'CPU ms/order (all)': round(perOrder(total, placed), 3),
    ...cpu,
    'order p50/p99 ms': `${round(window.orderLatency.p50, 1)} / ${round(window.orderLatency.p99, 1)}`,
    'highest-spenders p50/p99 ms': window.readLatency
      ? `${round(window.readLatency.p50, 1)} / ${round(window.readLatency.p99, 1)}`
      : '—',
  };
  if (!window.metrics)
    return { ...row, 'SQL/order': '—', 'batch mean': '—', 'batches of 1 %': '—', 'lag p50/p99 ms': '—' };
  const { before, after } = window.metrics;
  const statements = Object.values(statementsByKind(before.writers, after.writers)).reduce(
    (a, b) => a + b,
    0,
  );
  const batches = histogramDelta(before.writers, after.writers, 'order_batch_size');
  const lag = histogramDelta(
    before.projector ? [before.projector] : [],
    after.projector ? [after.projector] : [],
    'projection_lag_seconds',
  );
  return {
    ...row,
    'SQL/order': round(perOrder(statements, placed), 2),
    'batch mean': round(batches.mean, 2),
    'batches of 1 %': round(batches.firstBucketShare * 100, 0),
    'lag p50/p99 ms': `${round(lag.p50 * 1000, 1)} / ${round(lag.p99 * 1000, 1)}`,
  };
}
