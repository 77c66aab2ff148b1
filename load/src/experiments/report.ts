import { ceilingRows, freshnessRows } from '../bench-table';
import type { Ceiling, CeilingName } from '../calibration/ceilings';
import { toTable, type Row } from '../results';
import type { RunSummary } from './analysis';
import { breakingText, ms, pct, QUESTIONS, type Answers } from './questions';
import type { ConfigurationRun } from './measure';
import type { Plan } from './plan';
import type { TracesBreakdown } from './traces';
import { WHY_NOTES, whyRows } from './why';

export interface ReportInput {
  startedAt: string;
  seconds: number;
  plan: Plan;
  stepUsers: number[];
  runs: ConfigurationRun[];
  summaries: RunSummary[];
  bestLabel?: string;
  answers: Answers;
  ceilings: Ceiling[];
  traces?: TracesBreakdown;
  tracesProblem?: string;
  charts: {
    configurations: Record<string, string>;
    comparison: string;
    /** Per configuration: users, requests/s, p50/p95, failures/s over the ramp (Locust's Charts tab). */
    timelines: Record<string, string>;
    /** Per configuration: the run's Prometheus counters and rates; a text when they could not be read. */
    prometheus: Record<string, string>;
  };
}

const ratio = (value: number, of: number | undefined) => (of ? pct(value / of) : 'n/a');

/** The main table: one row per configuration run. */
export function mainRows(input: ReportInput): Row[] {
  const top = input.stepUsers.at(-1) ?? 0;
  return input.runs.map((run, index) => {
    const summary = input.summaries[index]!;
    const breaking = summary.breaking;
    return {
      configuration: run.label,
      adds:
        run.writeLimit === 'default' ? 'the gateway’s default write limit (200 r/s, burst 100)' : run.adds,
      'Q1 p50': summary.q1 ? ms(summary.q1.p50Ms) : '–',
      'Q1 errors': summary.q1 ? pct(summary.q1.errorRate) : '–',
      'breaks at (users)': !summary.complete
        ? 'incomplete'
        : breaking
          ? breaking.users
          : `not reached (≤ ${top})`,
      'p95 there': breaking ? ms(breaking.p95Ms) : '–',
      'errors there': breaking ? pct(breaking.errorRate) : '–',
      'users held': summary.heldUsers,
      'peak req/s': summary.peakRps.toFixed(0),
      'projection lag p99': run.projectionLag ? ms(run.projectionLag.p99Ms) : '–',
    };
  });
}

/** Each configuration's figures as shares of this machine's ceilings (absolute numbers drift; ratios hold). */
export function ratioRows(input: ReportInput): Row[] {
  const ceiling = new Map<CeilingName, Ceiling>(input.ceilings.map((c) => [c.name, c]));
  const rps = (name: CeilingName) => ceiling.get(name)?.loaded.rps;
  return input.runs.map((run, index) => {
    const summary = input.summaries[index]!;
    const peak = run.ramp?.steps.find((step) => step.rps === summary.peakRps);
    const orders = peak?.tasks['place-order']?.rps ?? 0;
    const reads = (peak?.rps ?? 0) - orders;
    const floor = ceiling.get('express-redis')?.unloaded.latencyMs.p50;
    return {
      configuration: run.label,
      'peak report reads / nginx': ratio(reads, rps('nginx-fixed-body')),
      'peak report reads / express+redis': ratio(reads, rps('express-redis')),
      'peak orders / order tx': ratio(orders, rps('order-transaction')),
      'Q1 p50 / express+redis unloaded p50':
        summary.q1 && floor ? `${(summary.q1.p50Ms / floor).toFixed(1)}×` : '–',
    };
  });
}

function generatorText(runs: readonly ConfigurationRun[]): string {
  const used = new Set(runs.map((run) => run.generator).filter(Boolean));
  if (used.has('k6'))
    return 'k6 measured the load (its dashboard reports, `*-k6-dashboard.html`, are in this folder).';
  return 'the project’s runner measured the load (no `k6` on the PATH; with k6 installed the same scenarios run under k6 and its live dashboard).';
}

function timeSeriesLines(input: ReportInput): string[] {
  return input.runs.flatMap((run) => {
    const timeline = input.charts.timelines[run.label];
    const prometheus = input.charts.prometheus[run.label];
    return [
      `### ${run.label}`,
      '',
      timeline ? `![${run.label} over time](${timeline})` : 'no ramp measured',
      '',
      prometheus?.endsWith('.svg')
        ? `![${run.label} Prometheus counters](${prometheus})`
        : `Prometheus graphs not available: ${prometheus ?? 'not captured'}`,
      '',
    ];
  });
}

function section(title: string, lines: string[]): string {
  return `## ${title}\n\n${lines.join('\n')}\n`;
}

export function reportMarkdown(input: ReportInput): string {
  const { plan } = input;
  const best = input.runs.find((run) => run.label === input.bestLabel);
  const limited = input.runs.find((run) => run.writeLimit === 'default');
  const limitedSummary = input.summaries.find((summary) => summary.label === limited?.label);
  const freshness = limited?.freshness ?? best?.freshness;
  const top = input.stepUsers.at(-1) ?? 0;
  const parts = [
    `# Experiments (${plan.mode}) — ${input.startedAt}\n`,
    `Run took ${(input.seconds / 60).toFixed(1)} min. Load: \`ramp-to-break\` (read-write mix 1:1:1, think 1–3 s) ` +
      `at ${input.stepUsers.join(', ')} users, ${plan.rampToBreak.load.steps[0]!.durationSeconds} s per step ` +
      `(DURATION_SCALE ${plan.rampScale.durationScale.toFixed(3)}, LOAD_SCALE ${plan.rampScale.loadScale}); ` +
      `breaking point = first step with errors > 1 % or p95 > 1 s. Q1: \`read-only\` at 100 users for ` +
      `${plan.q1.load.steps[0]!.durationSeconds} s. Each configuration runs on a freshly started stack with ` +
      `reset data.\n`,
    '**Write limit.** All load comes from one address, so the gateway’s per-client write limit (200 r/s, burst ' +
      '100) would cap every run: C1–C6 run with it raised (`GATEWAY_WRITE_RATE=100000r/s`, ' +
      '`GATEWAY_WRITE_BURST=100000`); one more run of the best configuration keeps the default limit ' +
      `(${limited?.label ?? 'not run'}): ${breakingText(limitedSummary, top)}.\n`,
    `**Load generator.** ${generatorText(input.runs)}\n`,
    section('Main table', [toTable(mainRows(input))]),
    `Best configuration: **${input.bestLabel ?? 'none'}**.\n`,
    ...(Object.keys(QUESTIONS) as (keyof Answers)[]).map((key) =>
      section(QUESTIONS[key], input.answers[key]),
    ),
    section('Why it broke: the resource that filled first', [
      toTable(whyRows(input.runs)),
      '',
      ...WHY_NOTES.flatMap((note) => [note, '']),
    ]),
    section('Charts over time (per configuration, through the ramp)', timeSeriesLines(input)),
    section('Calibration: this machine’s ceilings', [
      input.ceilings.length ? toTable(ceilingRows(input.ceilings)) : 'not measured',
      '',
      'The configurations’ figures as shares of the ceilings (peak = the ramp step with the most requests/s):',
      '',
      toTable(ratioRows(input)),
    ]),
    section(`Latency breakdown of the best configuration (${input.bestLabel ?? '–'}, npm run traces)`, [
      input.traces
        ? `${input.traces.markdown.replace(/^## /gm, '### ')}\n\n![breakdown](traces/breakdown.svg)`
        : `not available: ${input.tracesProblem ?? 'no best configuration'}`,
    ]),
    section('Projection lag (projector’s projection_lag_seconds, estimated from its buckets)', [
      toTable(
        input.runs.map((run) => ({
          configuration: run.label,
          events: run.projectionLag?.events ?? 0,
          'mean ms': run.projectionLag ? run.projectionLag.meanMs.toFixed(1) : '–',
          'p50 ms': run.projectionLag ? run.projectionLag.p50Ms.toFixed(1) : '–',
          'p99 ms': run.projectionLag ? run.projectionLag.p99Ms.toFixed(1) : '–',
        })),
      ),
    ]),
    section('Freshness (order answered → visible in highest-spenders through the gateway)', [
      freshness
        ? toTable(freshnessRows(freshness))
        : 'not measured with --quick (with the report TTL of 60 s a probe can wait a minute); run without --quick.',
    ]),
    section('Charts', [
      `![comparison](${input.charts.comparison})`,
      '',
      ...Object.entries(input.charts.configurations).map(([label, file]) => `![${label}](${file})`),
    ]),
  ];
  return parts.join('\n');
}
