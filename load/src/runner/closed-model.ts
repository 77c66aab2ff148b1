import type { Scenario, Thresholds } from '../scenarios/schema';
import { summarizeLogs } from './latency-log';
import type { Random } from './order-body';
import type { Recorder, StepRecord } from './recorder';
import { Stopper } from './stopper';
import type { TaskRun } from './tasks';

export type ClosedLoad = Extract<Scenario['load'], { model: 'closed' }>;

export interface ClosedOptions {
  random: Random;
  /** How long a finished step's slowest requests are waited for before its breaking criteria are judged. */
  drainTimeoutMs: number;
}

export interface ClosedOutcome {
  /** The step where the breaking criteria held first, with what held. */
  breakingStep?: { index: number; reasons: string[] };
  thinkMs: { count: number; mean: number };
}

interface VirtualUser {
  stopper: Stopper;
}

/** Whether a finished step breaks the criteria, and why (error rate above, p95 above). */
export function breaks(step: StepRecord, criteria: Thresholds): string[] {
  let requests = 0;
  let failed = 0;
  for (const tally of step.tasks) {
    requests += tally.requests;
    failed += tally.failed;
  }
  const reasons: string[] = [];
  const errorRate = requests ? failed / requests : 0;
  if (errorRate > criteria.errorRate)
    reasons.push(`error rate ${(errorRate * 100).toFixed(2)} % > ${criteria.errorRate * 100} %`);
  const { p95 } = summarizeLogs(step.tasks.map((tally) => tally.latency));
  if (p95 > criteria.p95Ms) reasons.push(`p95 ${p95.toFixed(1)} ms > ${criteria.p95Ms} ms`);
  return reasons;
}

/**
 * The closed model: virtual users, each picking a task by weight, running it, then thinking for a uniform time
 * in thinkTimeSeconds. Users are added over rampSeconds at a step's start and removed at its end. With breaking
 * criteria, a step is judged once its own requests have all been answered (while the next step already runs,
 * so slow answers count where they were sent), and the run stops at the first step that breaks them.
 */
export async function runClosed(
  load: ClosedLoad,
  recorder: Recorder,
  tasks: { pick: () => number; runs: TaskRun[] },
  run: Stopper,
  options: ClosedOptions,
): Promise<ClosedOutcome> {
  const users: VirtualUser[] = [];
  const think = { count: 0, totalMs: 0 };
  const { min, max } = load.thinkTimeSeconds;
  const thinkMs = () => (min + options.random() * (max - min)) * 1000;
  let outcome: ClosedOutcome['breakingStep'];
  const judged: Promise<void>[] = [];

  const live = async (user: VirtualUser) => {
    while (!user.stopper.stopped && !run.stopped) {
      const step = recorder.current!;
      await tasks.runs[tasks.pick()]!(step);
      if (user.stopper.stopped || run.stopped) break;
      const ms = thinkMs();
      think.count++;
      think.totalMs += ms;
      if (ms > 0) await user.stopper.sleep(ms);
      else await new Promise<void>((resolve) => setImmediate(resolve)); // no think time: still let others run
    }
  };
  const addUser = () => {
    const user: VirtualUser = { stopper: new Stopper() };
    users.push(user);
    recorder.users = users.length;
    void live(user);
  };
  const removeUsers = (count: number) => {
    for (const user of users.splice(users.length - count, count)) user.stopper.stop();
    recorder.users = users.length;
  };

  for (const target of load.steps) {
    if (run.stopped) break;
    const step = recorder.beginStep({ users: target.users });
    const durationMs = target.durationSeconds * 1000;
    if (target.users < users.length) removeUsers(users.length - target.users);
    const ramp = new Stopper();
    const rampMs = load.rampSeconds * 1000;
    void addOver(target.users - users.length, rampMs, addUser, () => ramp.stopped || run.stopped);
    await run.sleep(durationMs);
    ramp.stop();
    step.end(users.length);
    if (load.breakingCriteria) {
      const criteria = load.breakingCriteria;
      judged.push(
        step.drained(options.drainTimeoutMs).then(() => {
          const reasons = breaks(step, criteria);
          if (reasons.length && (!outcome || outcome.index > step.index)) {
            outcome = { index: step.index, reasons };
            run.stop();
          }
        }),
      );
    }
  }
  removeUsers(users.length);
  await Promise.all(judged);
  return {
    breakingStep: outcome,
    thinkMs: { count: think.count, mean: think.count ? think.totalMs / think.count : 0 },
  };
}

/** Starts `count` users evenly over `rampMs` (all at once when 0), stopping early if the run stops. */
async function addOver(
  count: number,
  rampMs: number,
  addUser: () => void,
  stopped: () => boolean,
): Promise<void> {
  if (count <= 0) return;
  if (rampMs <= 0) {
    for (let i = 0; i < count; i++) addUser();
    return;
  }
  const started = performance.now();
  const tickMs = Math.max(10, rampMs / count);
  let added = 0;
  while (added < count && !stopped()) {
    const due = Math.min(count, Math.ceil(((performance.now() - started) / rampMs) * count));
    for (; added < due; added++) addUser();
    if (added < count) await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
}
