import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSvg, type TopLevelSpec } from '@store/charts';
import type { ConfigurationRun } from './measure';
import type { ReportInput } from './report';
import type { TimelinePoint } from '../runner/timeline';
import type { PromSeries } from './prometheus';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const SECONDS = { field: 'second', type: 'quantitative', title: 'seconds into the ramp' } as const;

const panel = (y: string, title: string, color: string, extra: object = {}, scale: object = {}) => ({
  width: 520,
  height: 110,
  mark: { type: 'line' as const, color, interpolate: 'step-after' as const },
  encoding: {
    x: SECONDS,
    y: { field: y, type: 'quantitative' as const, title, axis: { format: '~s' }, scale },
  },
  ...extra,
});

/** Locust's Charts tab for one run: users, requests/s, p50/p95 and failures/s, second by second through the ramp. */
export function timelineChart(points: readonly TimelinePoint[], title: string): TopLevelSpec {
  const values = points.map((point) => ({
    second: point.second,
    users: point.users,
    rps: point.requests,
    failures: point.failures,
    p50: Number(point.p50Ms.toFixed(1)),
    p95: Number(point.p95Ms.toFixed(1)),
  }));
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    vconcat: [
      panel('users', 'users', '#9467bd'),
      panel('rps', 'requests/s', '#2ca02c'),
      {
        width: 520,
        height: 110,
        transform: [{ fold: ['p50', 'p95'], as: ['percentile', 'ms'] }],
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: SECONDS,
          y: { field: 'ms', type: 'quantitative', title: 'latency ms' },
          color: { field: 'percentile', type: 'nominal', scale: { range: ['#1f77b4', '#ff7f0e'] } },
        },
      },
      // A run without failures is a flat line at 0: an empty domain would label its axis NaN.
      panel(
        'failures',
        'failures/s',
        '#d62728',
        {},
        { domain: [0, Math.max(1, ...values.map((v) => v.failures))] },
      ),
    ],
  };
}

/** The run's Prometheus: the three counters, and their rates, against seconds since the ramp began. */
export function prometheusChart(series: readonly PromSeries[], title: string): TopLevelSpec {
  const start = Math.min(...series.flatMap((s) => s.points.map((point) => point.at)));
  const values = series.flatMap((s) =>
    s.points.map((point) => ({
      second: (point.at - start) / 1000,
      series: s.name,
      kind: s.kind,
      value: Number(point.value.toFixed(2)),
    })),
  );
  const layer = (kind: 'total' | 'rate', yTitle: string) => ({
    width: 520,
    height: 130,
    transform: [{ filter: `datum.kind == '${kind}'` }],
    mark: { type: 'line' as const },
    encoding: {
      x: { field: 'second', type: 'quantitative' as const, title: 'seconds into the ramp' },
      y: { field: 'value', type: 'quantitative' as const, title: yTitle },
      color: { field: 'series', type: 'nominal' as const, title: null, legend: { labelLimit: 320 } },
    },
  });
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    vconcat: [layer('total', 'counter value'), layer('rate', 'per second (rate over 5 s)')],
    resolve: { scale: { color: 'independent' } },
  };
}

/** Renders a run's two time charts into `out` and notes them (or why there is none) in `charts`. */
export async function timeCharts(
  run: ConfigurationRun,
  out: string,
  charts: ReportInput['charts'],
): Promise<void> {
  const base = run.label.replace(/\W+/g, '-');
  if (run.ramp?.timeline.length) {
    const file = `${base}-timeline.svg`;
    const title = `${run.label}: ramp-to-break over time (measured by ${run.generator ?? 'the runner'})`;
    writeFileSync(join(out, file), await renderSvg(timelineChart(run.ramp.timeline, title)));
    charts.timelines[run.label] = file;
  }
  const series = run.rampDetail?.prometheus;
  if (series?.some((s) => s.points.length)) {
    const file = `${base}-prometheus.svg`;
    const title = `${run.label}: orders_total, highest_spenders_total, best_sellers_total (the run's Prometheus)`;
    writeFileSync(join(out, file), await renderSvg(prometheusChart(series, title)));
    charts.prometheus[run.label] = file;
  } else
    charts.prometheus[run.label] = run.rampDetail?.prometheusProblem ?? 'no samples in the run’s Prometheus';
}
