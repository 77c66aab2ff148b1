import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The Grafana dashboard (infra/grafana/dashboards/store-manager.json) queries metrics by name, and nothing else
 * ties those names to the code: a renamed metric would leave an empty panel. Here every name a panel queries must
 * be defined in the services' or packages' sources (a quoted metric name there) or be one of the exporters'.
 */
const REPO_ROOT = join(__dirname, '../../..');

/** Series made outside this repository: nginx-exporter, RabbitMQ's prometheus plugin, the collector. */
const EXTERNAL_METRICS = new Set([
  'nginx_http_requests_total',
  'nginx_connections_active',
  'rabbitmq_detailed_queue_messages_ready',
  'rabbitmq_detailed_queue_messages_unacked',
  'traces_span_metrics_duration_milliseconds_bucket',
]);

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
]);
const PROMQL_OPERATORS = new Set(['and', 'or', 'unless', 'inf', 'nan']);

type Panel = { title?: string; targets?: { expr?: string }[]; panels?: Panel[] };
type Dashboard = { panels: Panel[]; templating?: { list: { definition?: string }[] } };

const dashboard = JSON.parse(
  readFileSync(join(REPO_ROOT, 'infra/grafana/dashboards/store-manager.json'), 'utf8'),
) as Dashboard;

const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);

/** Metric names of a PromQL expression: what is left once strings, matchers, ranges and grouping are gone. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names: string[] = [];
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = bare.slice(match.index + match[0].length);
    const isFunction = /^\s*\(/.test(rest);
    if (!isFunction && !PROMQL_WORDS.has(match[0]) && !PROMQL_OPERATORS.has(match[0])) names.push(match[0]);
  }
  return names;
}

function queriedMetrics(): Map<string, string> {
  const queried = new Map<string, string>();
  for (const panel of allPanels(dashboard.panels)) {
    for (const target of panel.targets ?? []) {
      for (const name of metricNames(target.expr ?? '')) queried.set(name, panel.title ?? '(untitled)');
    }
  }
  for (const variable of dashboard.templating?.list ?? []) {
    const metric = /label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,/.exec(variable.definition ?? '')?.[1];
    if (metric) queried.set(metric, 'templating');
  }
  return queried;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every quoted snake_case name in the services' and packages' sources: where metrics are named. */
function definedNames(): Set<string> {
  const roots = ['services', 'packages'].flatMap((group) =>
    readdirSync(join(REPO_ROOT, group)).map((name) => join(REPO_ROOT, group, name, 'src')),
  );
  const names = new Set<string>();
  for (const file of roots.flatMap((root) => sourceFiles(root))) {
    for (const [, name] of readFileSync(file, 'utf8').matchAll(/'([a-z][a-z0-9]*(?:_[a-z0-9]+)+)'/g)) {
      names.add(name!);
    }
  }
  return names;
}

describe('The Grafana dashboard', () => {
  test('When its panels are read, then every metric they query is defined by a service or an exporter', () => {
    const defined = definedNames();
    const isDefined = (name: string) =>
      EXTERNAL_METRICS.has(name) ||
      defined.has(name) ||
      defined.has(name.replace(/_(bucket|sum|count)$/, ''));

    const unknown = [...queriedMetrics()].filter(([name]) => !isDefined(name));

    expect(unknown).toEqual([]);
  });

  test('When its panels are read, then they show RED, the pipeline, the report cache and the gateway', () => {
    const queried = [...queriedMetrics().keys()];

    expect(queried).toEqual(
      expect.arrayContaining([
        'http_request_duration_seconds_bucket',
        'http_request_duration_seconds_count',
        'orders_total',
        'outbox_pending_events',
        'outbox_oldest_pending_age_seconds',
        'relay_publish_duration_seconds_bucket',
        'rabbitmq_detailed_queue_messages_ready',
        'projection_lag_seconds_bucket',
        'events_applied_total',
        'events_dead_lettered_total',
        'report_cache_requests_total',
        'report_compute_duration_seconds_bucket',
        'nginx_http_requests_total',
      ]),
    );
  });

  test('When a query is read, then its metric names are found, not its functions, labels or ranges', () => {
    expect(metricNames('sum by (le) (rate(outbox_pending_rows{job="x"}[1m])) / max(orders_total)')).toEqual([
      'outbox_pending_rows',
      'orders_total',
    ]);
  });
});
