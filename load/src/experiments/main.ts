import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Ceiling } from '../calibration/ceilings';
import { best, summarize } from './analysis';
import { comparisonChart, configurationChart, renderSvg } from './charts';
import { CONFIGURATIONS } from './configurations';
import { calibrate, measureConfiguration, type ConfigurationRun } from './measure';
import { makePlan, stepUsers } from './plan';
import { answer } from './questions';
import { reportMarkdown, type ReportInput } from './report';
import { REPO_ROOT, Stack } from './stack';
import { timeCharts } from './time-charts';
import { tracesBreakdown } from './traces';
import { writeHtmlAndPdf } from './report-html';

/*
 * `npm run experiments [-- --quick]`: the lab's configurations C1–C6 measured one after the other, each on a
 * freshly started plain-process stack of its own (ports from EXPERIMENTS_PORT_BASE, default 38080 …), then the
 * best one again at the gateway's default write limit; writes results/experiments-<time>/ with results.json,
 * report.md and the charts. The stacks' folders (logs, traces) go to the system's temporary folder and are
 * removed after a successful run (KEEP_STACKS=yes keeps them).
 */
const began = performance.now();
const say = (text: string) =>
  process.stderr.write(`[experiments ${((performance.now() - began) / 1000).toFixed(0)} s] ${text}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const plan = makePlan(Boolean(values.quick));
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const stamp = startedAt.replace(/[:.]/g, '-');
  const out = join(REPO_ROOT, 'results', `experiments-${stamp}`);
  const stacksDir = join(tmpdir(), `store-experiments-${stamp}`);
  mkdirSync(out, { recursive: true });
  const users = stepUsers(plan.rampToBreak);
  say(`${plan.mode} run: ramp-to-break at ${users.join(', ')} users; results in ${out}`);

  let ceilings: Ceiling[] = [];
  const runs: ConfigurationRun[] = [];
  for (const configuration of CONFIGURATIONS) {
    runs.push(
      await measureConfiguration(configuration, {
        plan,
        stacksDir,
        outDir: out,
        writeLimit: 'raised',
        q1: true,
        freshness: false,
        say,
        beforeLoad:
          runs.length === 0
            ? async (url, database) => void (ceilings = await calibrate(plan, url, database, say))
            : undefined,
      }),
    );
  }
  const summaries = runs.map(summarize);
  const top = best(summaries);
  const bestRun = runs.find((run) => run.label === top?.label);
  if (bestRun) {
    const configuration = CONFIGURATIONS.find((c) => c.id === bestRun.id)!;
    say(`best configuration: ${bestRun.label}; again at the gateway's default write limit`);
    const limited = await measureConfiguration(configuration, {
      plan,
      stacksDir,
      outDir: out,
      writeLimit: 'default',
      q1: false,
      freshness: true,
      say,
    });
    runs.push(limited);
    summaries.push(summarize(limited));
  }
  say('traces breakdown of the best configuration');
  const traces = bestRun
    ? await tracesBreakdown(bestRun.stackDir, join(out, 'traces'))
    : { problem: 'no configuration completed' };

  say('charts and report');
  const charts: ReportInput['charts'] = {
    configurations: {},
    comparison: 'comparison.svg',
    timelines: {},
    prometheus: {},
  };
  for (const run of runs) await timeCharts(run, out, charts);
  for (const summary of summaries) {
    const file = `${summary.label.replace(/\W+/g, '-')}.svg`;
    const title = `${summary.label}: ramp-to-break (read-write mix) against users`;
    writeFileSync(join(out, file), await renderSvg(configurationChart(summary, title)));
    charts.configurations[summary.label] = file;
  }
  writeFileSync(join(out, charts.comparison), await renderSvg(comparisonChart(summaries)));

  const c4 = runs.find((run) => run.label === 'C4');
  const answers = answer(summaries, c4?.balancing ?? [], users);
  const input: ReportInput = {
    startedAt,
    seconds: (performance.now() - started) / 1000,
    plan,
    stepUsers: users,
    runs,
    summaries,
    ...(top ? { bestLabel: top.label } : {}),
    answers,
    ceilings,
    ...(traces.breakdown ? { traces: traces.breakdown } : {}),
    ...(traces.problem ? { tracesProblem: traces.problem } : {}),
    charts,
  };
  const report = reportMarkdown(input);
  writeFileSync(join(out, 'report.md'), report);
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(input, null, 2)}\n`);
  say(await writeHtmlAndPdf(report, out));
  const complete = runs.every((run) => !run.error);
  if (complete && process.env.KEEP_STACKS !== 'yes') rmSync(stacksDir, { recursive: true, force: true });
  else say(`stack folders kept in ${stacksDir}`);
  process.stdout.write(`${report.slice(0, report.indexOf('## Q1'))}\n`);
  say(`done in ${(input.seconds / 60).toFixed(1)} min`);
  process.stdout.write(`report: ${join(out, 'report.md')}\n`);
  if (!complete) process.exitCode = 1;
}

// Ctrl-C (or a CI timeout's SIGTERM) stops the stack being measured before the process ends.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping the stack being measured`);
    void (Stack.active?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  void (Stack.active?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
});
