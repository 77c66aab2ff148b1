import type { Figures, StepFigures } from '../runner/figures';
import type { ScenarioResult } from '../runner/run-scenario';
import type { TimelinePoint } from '../runner/timeline';
import type { Scenario } from '../scenarios/schema';
import { summarize as latencySummary } from '../stats';

/*
 * A k6 run as the project's runner reports one (ScenarioResult), so the experiments' tables, charts and analysis
 * do not care which generator measured. The figures come from k6's per-request CSV (--out csv, unix_milli times):
 * the `errors` Rate (1 = a task request failed) counts requests and failures, http_req_duration tagged phase=run
 * gives latencies, the `vus` gauge the users; every sample carries its step in extra_tags (phase=run&step=N).
 * The breaking step and the thresholds come from the summary load/k6/lib/summary.js writes.
 */

interface Sample {
  metric: string;
  at: number;
  value: number;
  tags: URLSearchParams;
  name: string;
}

/** Splits one CSV line (fields may be double-quoted, with "" for a quote). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

export function parseK6Csv(csv: string): Sample[] {
  const [header, ...lines] = csv.split('\n');
  const columns = csvFields(header ?? '');
  const at = (name: string) => columns.indexOf(name);
  const [metric, time, value, name, extra] = [
    'metric_name',
    'timestamp',
    'metric_value',
    'name',
    'extra_tags',
  ].map(at);
  return lines
    .filter((line) => line.trim())
    .map((line) => {
      const fields = csvFields(line);
      return {
        metric: fields[metric!] ?? '',
        at: Number(fields[time!]),
        value: Number(fields[value!]),
        name: fields[name!] ?? '',
        tags: new URLSearchParams(fields[extra!] ?? ''),
      };
    });
}

interface Tally {
  requests: number;
  failed: number;
  latencies: number[];
  first: number;
  last: number;
}

const tally = (): Tally => ({ requests: 0, failed: 0, latencies: [], first: Infinity, last: -Infinity });

function figures(t: Tally, seconds: number): Figures {
  return {
    requests: t.requests,
    rps: seconds > 0 ? t.requests / seconds : 0,
    latencyMs: latencySummary(t.latencies),
    failed: t.failed,
    errorRate: t.requests ? t.failed / t.requests : 0,
    errors: { transport: {}, status: t.failed ? { 'k6 check failed': t.failed } : {}, body: 0 },
    dropped: 0,
  };
}

function note(t: Tally, sample: Sample): void {
  t.first = Math.min(t.first, sample.at);
  t.last = Math.max(t.last, sample.at);
  if (sample.metric === 'errors') {
    t.requests++;
    if (sample.value === 1) t.failed++;
  } else t.latencies.push(sample.value);
}

/** Per-second points, as the runner's Timeline records them. */
export function k6Timeline(samples: readonly Sample[], origin: number): TimelinePoint[] {
  const seconds: { users: number; requests: number; failures: number; latencies: number[] }[] = [];
  const at = (ms: number) => {
    const index = Math.max(0, Math.floor((ms - origin) / 1000));
    for (let i = seconds.length; i <= index; i++)
      seconds.push({ users: seconds[i - 1]?.users ?? 0, requests: 0, failures: 0, latencies: [] });
    return seconds[index]!;
  };
  for (const sample of samples) {
    if (sample.metric === 'vus') at(sample.at).users = sample.value;
    else if (sample.tags.get('phase') !== 'run') continue;
    else if (sample.metric === 'errors') {
      const second = at(sample.at);
      second.requests++;
      if (sample.value === 1) second.failures++;
    } else if (sample.metric === 'http_req_duration') at(sample.at).latencies.push(sample.value);
  }
  return seconds.map((second, index) => {
    const { p50, p95 } = latencySummary(second.latencies);
    return {
      second: index,
      users: second.users,
      requests: second.requests,
      failures: second.failures,
      p50Ms: Number.isFinite(p50) ? p50 : 0,
      p95Ms: Number.isFinite(p95) ? p95 : 0,
    };
  });
}

/** What load/k6/lib/summary.js writes that is used here. */
export interface K6Summary {
  runSeconds: number;
  thresholds: { ok: boolean; failed: string[] };
  breakingStep: { step: number; users?: number; errorRate: number; p95: number } | null;
}

export function k6ScenarioResult(
  scenario: Scenario,
  baseUrl: string,
  summary: K6Summary,
  csv: string,
): ScenarioResult {
  const samples = parseK6Csv(csv).filter(
    (s) =>
      s.metric === 'vus' ||
      (s.tags.get('phase') === 'run' && ['errors', 'http_req_duration'].includes(s.metric)),
  );
  const run = samples.filter((s) => s.metric !== 'vus');
  // reduce, not Math.min(...): a full run has millions of samples, beyond a call's argument limit.
  const origin = run.reduce((first, s) => Math.min(first, s.at), Infinity);
  const timelineOrigin = samples.reduce((first, s) => Math.min(first, s.at), Infinity);
  const stepTallies = new Map<number, { all: Tally; tasks: Map<string, Tally> }>();
  const total = tally();
  const tasks = new Map<string, Tally>();
  for (const sample of run) {
    const step = Number(sample.tags.get('step') ?? 1);
    const entry = stepTallies.get(step) ?? { all: tally(), tasks: new Map<string, Tally>() };
    stepTallies.set(step, entry);
    const task = sample.name || sample.tags.get('name') || 'request';
    for (const t of [total, entry.all]) note(t, sample);
    for (const map of [entry.tasks, tasks]) {
      if (!map.has(task)) map.set(task, tally());
      note(map.get(task)!, sample);
    }
  }
  const planned = scenario.load.steps;
  const steps: StepFigures[] = [...stepTallies.entries()]
    .sort(([a], [b]) => a - b)
    .map(([step, entry]) => {
      const seconds = Math.max(1, (entry.all.last - entry.all.first) / 1000);
      const target = planned[step - 1];
      return {
        index: step - 1,
        ...(target && 'users' in target ? { users: target.users } : {}),
        ...(target && 'ratePerSecond' in target ? { ratePerSecond: target.ratePerSecond } : {}),
        usersAtEnd: target && 'users' in target ? target.users : 0,
        startedAtMs: entry.all.first,
        endedAtMs: entry.all.last,
        seconds,
        ...figures(entry.all, seconds),
        tasks: Object.fromEntries([...entry.tasks].map(([name, t]) => [name, figures(t, seconds)])),
      };
    });
  const breaking = summary.breakingStep;
  const seconds = summary.runSeconds;
  return {
    scenario: scenario.name,
    model: scenario.load.model,
    baseUrl,
    startedAt: new Date(Number.isFinite(origin) ? origin : Date.now()).toISOString(),
    seconds,
    steps,
    total: {
      ...figures(total, seconds),
      tasks: Object.fromEntries([...tasks].map(([n, t]) => [n, figures(t, seconds)])),
    },
    breakingPoint: breaking
      ? { step: breaking.step - 1, users: breaking.users, reasons: breakingReasons(breaking, scenario) }
      : null,
    thresholds: { ...scenario.thresholds, passed: summary.thresholds.ok },
    timeline: Number.isFinite(origin) ? k6Timeline(samples, timelineOrigin) : [],
  };
}

function breakingReasons(step: NonNullable<K6Summary['breakingStep']>, scenario: Scenario): string[] {
  const criteria = scenario.load.model === 'closed' ? scenario.load.breakingCriteria : undefined;
  if (!criteria) return [];
  const reasons: string[] = [];
  if (step.errorRate > criteria.errorRate)
    reasons.push(`error rate ${(step.errorRate * 100).toFixed(2)} % > ${criteria.errorRate * 100} %`);
  if (step.p95 > criteria.p95Ms) reasons.push(`p95 ${step.p95.toFixed(1)} ms > ${criteria.p95Ms} ms`);
  return reasons;
}
