import { Pool } from 'undici';
import type { FreshnessTask, Scenario } from '../scenarios/schema';
import { runClosed } from './closed-model';
import { figuresOf, stepFigures, type Figures, type StepFigures } from './figures';
import { freshnessProbes, probePriceCents } from './freshness-probe';
import { runOpen } from './open-model';
import type { Random } from './order-body';
import { showProgress, type ProgressOptions } from './progress';
import { Recorder } from './recorder';
import { runSetup, runTag } from './setup';
import { Stopper } from './stopper';
import type { TimelinePoint } from './timeline';
import { prepareTasks, type AnswerListener, type TaskContext } from './tasks';

export interface RunOptions {
  /** The system under test, e.g. http://127.0.0.1:8080 (every task's path is relative to it). */
  baseUrl: string;
  random?: Random;
  /** The live line on stderr every 2 s by default; false for none. */
  progress?: false | Partial<Pick<ProgressOptions, 'stream' | 'everyMs' | 'label'>>;
  /** A request with no answer after this long is a transport error (default 30 s). */
  requestTimeoutMs?: number;
  /** Told every request task's answer as it comes (the chaos drills record the orders clients saw created). */
  onAnswer?: AnswerListener;
  /** Bodies made by code, by task name: a bench whose order mix is not one the scenario format describes. */
  bodies?: TaskContext['bodies'];
}

export interface ScenarioResult {
  scenario: string;
  model: 'closed' | 'open';
  baseUrl: string;
  startedAt: string;
  seconds: number;
  steps: StepFigures[];
  /** The whole run, and per task. */
  total: Figures & { tasks: Record<string, Figures> };
  /** ramp-to-break: the first step where the breaking criteria held; null when none did (or no criteria). */
  breakingPoint: { step: number; users: number | undefined; reasons: string[] } | null;
  /** The scenario's thresholds over the whole run. */
  thresholds: { errorRate: number; p95Ms: number; passed: boolean };
  thinkMs?: { count: number; mean: number };
  /** One point per second of the load: users, answers, failures, p50/p95 (Locust's Charts tab). */
  timeline: TimelinePoint[];
}

/**
 * Runs one scenario as given (scale it first with scaleScenario for short runs) against `baseUrl`: its set-up through the API, then its load (closed or open model) on one
 * keep-alive undici pool that every virtual user shares, then the figures per step and per task.
 */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const random = options.random ?? Math.random;
  const { load } = scenario;
  const concurrency =
    load.model === 'closed' ? Math.max(...load.steps.map((s) => s.users)) : load.maxConnections;
  const tag = runTag();
  const freshnessTask = scenario.tasks.find((task): task is FreshnessTask => 'kind' in task);
  const probeCents = freshnessTask && (await probePriceCents(baseUrl, freshnessTask));
  const created = await runSetup(baseUrl, scenario.setup, tag, probeCents);
  const probes = freshnessTask && freshnessProbes(baseUrl, freshnessTask, created, probeCents!);
  const timeout = options.requestTimeoutMs ?? 30_000;
  const pool = new Pool(baseUrl, {
    connections: concurrency,
    pipelining: 1,
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  const taskNames = scenario.tasks.map((task) => task.name);
  const recorder = new Recorder(taskNames);
  const stopper = new Stopper();
  const tasks = prepareTasks(scenario.tasks, {
    pool,
    recorder,
    created,
    random,
    probes,
    ...(options.onAnswer ? { onAnswer: options.onAnswer } : {}),
    ...(options.bodies ? { bodies: options.bodies } : {}),
  });
  const startedAt = new Date();
  const started = performance.now();
  const stopProgress =
    options.progress === false
      ? () => undefined
      : showProgress(recorder, {
          stream: options.progress?.stream ?? process.stderr,
          everyMs: options.progress?.everyMs ?? 2000,
          label: options.progress?.label ?? scenario.name,
        });
  try {
    let closed: Awaited<ReturnType<typeof runClosed>> | undefined;
    if (load.model === 'closed') {
      closed = await runClosed(load, recorder, tasks, stopper, {
        random,
        drainTimeoutMs: timeout,
      });
    } else await runOpen(load, recorder, tasks, stopper);
    stopper.stop();
    // What was sent is answered before the figures are taken; a freshness probe may poll for its whole timeout.
    const graceMs = Math.max(timeout, freshnessTask ? freshnessTask.timeoutMs + 5000 : 0);
    await Promise.all(recorder.steps.map((step) => step.drained(graceMs)));
    return summarize(scenario, baseUrl, recorder, { startedAt, started, closed });
  } finally {
    stopProgress();
    stopper.stop();
    await pool.destroy();
    await probes?.tearDown();
  }
}

function summarize(
  scenario: Scenario,
  baseUrl: string,
  recorder: Recorder,
  run: {
    startedAt: Date;
    started: number;
    closed?: Awaited<ReturnType<typeof runClosed>>;
  },
): ScenarioResult {
  const seconds = (performance.now() - run.started) / 1000;
  const freshness = scenario.tasks.map((task) => 'kind' in task);
  const steps = recorder.steps.map((step) => stepFigures(step, recorder.taskNames, freshness));
  const tasks: Record<string, Figures> = {};
  recorder.taskNames.forEach((name, index) => {
    tasks[name] = figuresOf(
      recorder.steps.map((step) => step.tasks[index]!),
      seconds,
      freshness[index]!,
    );
  });
  const total = {
    ...figuresOf(
      recorder.steps.flatMap((step) => step.tasks),
      seconds,
      freshness.some(Boolean),
    ),
    tasks,
  };
  const breaking = run.closed?.breakingStep;
  return {
    scenario: scenario.name,
    model: scenario.load.model,
    baseUrl,
    startedAt: run.startedAt.toISOString(),
    seconds,
    steps,
    total,
    breakingPoint: breaking
      ? { step: breaking.index, users: steps[breaking.index]?.users, reasons: breaking.reasons }
      : null,
    thresholds: {
      ...scenario.thresholds,
      passed:
        total.errorRate <= scenario.thresholds.errorRate &&
        !(total.latencyMs.p95 > scenario.thresholds.p95Ms),
    },
    thinkMs: run.closed?.thinkMs,
    timeline: recorder.timeline.points(),
  };
}
