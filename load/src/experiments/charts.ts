import { renderSvg, type TopLevelSpec } from '@store/charts';
import type { RunSummary } from './analysis';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const USERS_AXIS = {
  field: 'users',
  type: 'quantitative',
  scale: { type: 'log', nice: false },
  title: 'users',
} as const;

/** Like Locust's charts tab: throughput, p50/p95 and errors of each ramp step against its users. */
export function configurationChart(summary: RunSummary, title: string): TopLevelSpec {
  const values = summary.steps.map((step) => ({
    users: step.users,
    rps: Number(step.rps.toFixed(1)),
    p50: Number(step.p50Ms.toFixed(1)),
    p95: Number(step.p95Ms.toFixed(1)),
    errors: Number((step.errorRate * 100).toFixed(2)),
  }));
  const panel = (y: string, yTitle: string, color: string) => ({
    width: 520,
    height: 150,
    mark: { type: 'line' as const, point: { color }, color },
    encoding: {
      x: USERS_AXIS,
      y: { field: y, type: 'quantitative' as const, title: yTitle, axis: { format: '~r' } },
    },
  });
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    vconcat: [
      panel('rps', 'requests per second', '#2ca02c'),
      {
        width: 520,
        height: 150,
        transform: [{ fold: ['p50', 'p95'], as: ['percentile', 'ms'] }],
        mark: { type: 'line', point: true },
        encoding: {
          x: USERS_AXIS,
          y: { field: 'ms', type: 'quantitative', title: 'latency ms' },
          color: { field: 'percentile', type: 'nominal', scale: { range: ['#1f77b4', '#ff7f0e'] } },
        },
      },
      panel('errors', 'errors %', '#d62728'),
    ],
  };
}

/** One bar per configuration: users held (the breaking point's previous step), peak throughput and Q1's p50. */
export function comparisonChart(summaries: readonly RunSummary[]): TopLevelSpec {
  const values = summaries.map((summary) => ({
    configuration: summary.label,
    held: summary.heldUsers,
    peakRps: Number(summary.peakRps.toFixed(1)),
    q1P50: summary.q1 ? Number(summary.q1.p50Ms.toFixed(1)) : null,
    outcome: summary.breaking ? `broke at ${summary.breaking.users} users` : 'not reached',
    broke: summary.breaking ? 'broke' : 'not reached',
  }));
  const order = summaries.map((summary) => summary.label);
  const bars = (field: string, title: string, filter?: string) => ({
    width: 300,
    height: { step: 28 },
    ...(filter ? { transform: [{ filter }] } : {}),
    mark: { type: 'bar' as const },
    encoding: {
      y: { field: 'configuration', type: 'nominal' as const, sort: order, title: null },
      x: { field, type: 'quantitative' as const, title },
      color: {
        field: 'broke',
        type: 'nominal' as const,
        scale: { domain: ['broke', 'not reached'], range: ['#d62728', '#2ca02c'] },
        title: 'breaking point',
      },
      tooltip: [{ field: 'configuration' }, { field, title }, { field: 'outcome' }],
    },
  });
  return {
    $schema: SCHEMA,
    title: 'Configurations side by side (read-write mix, ramp-to-break; Q1 read-only at 100 users)',
    data: { values },
    hconcat: [
      bars('held', 'users held (last step before breaking)'),
      bars('peakRps', 'peak requests per second'),
      bars('q1P50', 'Q1 p50 ms (lower is better)', 'datum.q1P50 != null'),
    ],
  };
}

export { renderSvg };
