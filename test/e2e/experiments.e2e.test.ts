import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIGURATIONS } from '../../load/src/experiments/configurations';
import { QUESTIONS } from '../../load/src/experiments/questions';
import { loadScenario } from '../../load/src/scenarios';
import { REPO_ROOT } from './stack';

/*
 * `npm run experiments -- --quick` end to end, as CI runs it: six configurations and the default-limit run, each
 * on the experiments' own stack (ports 28080 …, not this tier's 18080 …, database store_manager_experiments),
 * then the report's structure and the sanity of its numbers. Not how fast this machine is.
 */
const RUN_TIMEOUT_MS = 6 * 60_000;

interface Summary {
  label: string;
  q1?: { users: number; rps: number; p50Ms: number; errorRate: number };
  steps: { users: number; rps: number; p50Ms: number; p95Ms: number; errorRate: number }[];
  breaking: { step: number; users: number; errorRate: number; p95Ms: number; reasons: string[] } | null;
  peakRps: number;
  complete: boolean;
}

interface Results {
  stepUsers: number[];
  runs: { label: string; writeLimit: string; error?: string }[];
  summaries: Summary[];
  bestLabel?: string;
  answers: Record<string, string[]>;
  ceilings: { name: string; loaded: { rps: number } }[];
  charts: { configurations: Record<string, string>; comparison: string };
}

/** An SVG document whose elements all close, in order. */
function isValidSvg(text: string): boolean {
  if (!text.startsWith('<svg') || !text.includes('xmlns="http://www.w3.org/2000/svg"')) return false;
  const open: string[] = [];
  for (const [tag, closing, name, selfClosing] of text.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (selfClosing || tag.startsWith('<?')) continue;
    if (!closing) open.push(name!);
    else if (open.pop() !== name) return false;
  }
  return open.length === 0;
}

let results: Results;
let report: string;
let out: string;

beforeAll(() => {
  const run = spawnSync('npm', ['run', 'experiments', '--', '--quick'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  const reportPath = /^report: (.+)$/m.exec(run.stdout)?.[1];
  if (run.status !== 0 || !reportPath)
    throw new Error(`npm run experiments -- --quick failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  out = dirname(reportPath);
  report = readFileSync(reportPath, 'utf8');
  results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
}, RUN_TIMEOUT_MS + 30_000);

test('When the quick experiments ran, then every configuration and the default-limit run are in the report', () => {
  const labels = results.runs.map((run) => run.label);
  expect(labels.slice(0, 6)).toEqual(CONFIGURATIONS.map((c) => c.id));
  expect(results.runs.filter((run) => run.writeLimit === 'default')).toHaveLength(1);
  expect(results.runs.filter((run) => run.error)).toEqual([]);
  for (const label of labels) expect(report).toContain(`| ${label} |`);
  expect(results.summaries.every((summary) => summary.complete)).toBe(true);
  expect(labels).toContain(results.bestLabel);
});

test('When the report is read, then each of Q1–Q7 is answered with figures', () => {
  for (const [key, title] of Object.entries(QUESTIONS)) {
    const section = report.split(`## ${title}\n`)[1]?.split('\n## ')[0] ?? '';
    expect(section.trim()).not.toBe('');
    expect(section).toMatch(/\d/);
    expect(section).not.toMatch(/not measured|incomplete|could not be read/);
    expect(results.answers[key]!.join('\n').trim()).not.toBe('');
  }
  expect(report).toMatch(/least_conn|round-robin|ip_hash|hash|random/);
  expect(report).toContain('## Calibration');
  expect(report).toContain('## Projection lag');
});

test('When the figures are checked, then each ramp ran its steps in order up to the breaking one, the steps before it held, and Q1 was served', () => {
  const ramp = loadScenario('ramp-to-break').load;
  const breakingCriteria = ramp.model === 'closed' ? ramp.breakingCriteria : undefined;
  const q1Thresholds = loadScenario('read-only').thresholds;
  expect(breakingCriteria).toBeDefined();
  for (const summary of results.summaries) {
    // A ramp stops at its breaking step; without one it ran every step.
    const through = summary.breaking ? summary.breaking.step + 1 : results.stepUsers.length;
    expect(summary.steps.map((step) => step.users)).toEqual(results.stepUsers.slice(0, through));
    expect(summary.breaking?.users ?? null).toBe(summary.breaking ? summary.steps.at(-1)!.users : null);
    expect(summary.breaking === null || summary.breaking.reasons.length > 0).toBe(true);
    const held = summary.steps.slice(0, summary.breaking?.step ?? summary.steps.length);
    for (const step of held) {
      expect(step.rps).toBeGreaterThan(0);
      expect(step.errorRate).toBeLessThanOrEqual(breakingCriteria!.errorRate);
      expect(step.p95Ms).toBeGreaterThanOrEqual(step.p50Ms);
    }
    expect(summary.peakRps).toBe(Math.max(...summary.steps.map((step) => step.rps)));
  }
  // Q1 (read-only at 100 users) on each configuration at the raised limit, not on the default-limit run.
  expect(results.summaries.map((summary) => Boolean(summary.q1))).toEqual(
    results.runs.map((run) => run.writeLimit === 'raised'),
  );
  for (const q1 of results.summaries.flatMap((summary) => (summary.q1 ? [summary.q1] : []))) {
    expect(q1.users).toBe(100);
    expect(q1.rps).toBeGreaterThan(0);
    expect(q1.errorRate).toBeLessThanOrEqual(q1Thresholds.errorRate);
  }
  expect(results.ceilings.map((ceiling) => ceiling.name)).toHaveLength(3);
  for (const ceiling of results.ceilings) expect(ceiling.loaded.rps).toBeGreaterThan(0);
});

test('When the charts are opened, then one per run and the comparison are there as valid SVG', () => {
  const files = [...Object.values(results.charts.configurations), results.charts.comparison];
  expect(Object.keys(results.charts.configurations)).toEqual(results.runs.map((run) => run.label));
  for (const file of files) {
    expect(existsSync(join(out, file))).toBe(true);
    expect(isValidSvg(readFileSync(join(out, file), 'utf8'))).toBe(true);
    expect(report).toContain(`](${file})`);
  }
});

test('When the report is handed in, then report.html holds every chart inline and no URL, and report.pdf exists with Chromium', () => {
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  expect(html).not.toMatch(/https?:\/\//);
  expect((html.match(/<svg/g) ?? []).length).toBeGreaterThan(
    Object.keys(results.charts.configurations).length,
  );
  expect(report).toContain('## Why it broke');
  expect(report).toContain('## Charts over time');
  if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'))
    expect(existsSync(join(out, 'report.pdf'))).toBe(true);
});
