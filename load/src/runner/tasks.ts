import type { Dispatcher, Pool } from 'undici';
import type { RequestTask, ScenarioTask } from '../scenarios/schema';
import { classify, transportErrorName } from './classify';
import { exchange, type Answer, type BodyMode } from './exchange';
import type { FreshnessProbes } from './freshness-probe';
import { orderBodies, weightedPicker, type Created, type Random } from './order-body';
import type { Recorder, StepRecord } from './recorder';

export interface TaskContext {
  pool: Pool;
  recorder: Recorder;
  created: Created;
  random: Random;
  probes: FreshnessProbes | undefined;
  /** Told every answer (or transport error) of a request task as it comes: what the clients saw. */
  onAnswer?: AnswerListener;
  /** Bodies made by code, by task name (a bench's own order mix); a task not named here uses its scenario body. */
  bodies?: Record<string, () => unknown>;
}

/** A request task's outcome: its answer (status and, for bodies checked by field, the text) or its error. */
export type AnswerListener = (task: string, outcome: Answer | { error: string }) => void;

/** One pick of the mix: runs a task once and records it in `step`. False when it could not run (no probe free). */
export type TaskRun = (step: StepRecord) => Promise<boolean>;

/**
 * The scenario's tasks, ready to run: a GET's dispatch options are built once and reused; a POST's body is the
 * only thing made per request.
 */
export function prepareTasks(
  tasks: readonly ScenarioTask[],
  ctx: TaskContext,
): { pick: () => number; runs: TaskRun[] } {
  const runs = tasks.map((task, index): TaskRun => {
    if ('kind' in task) return freshnessRun(index, ctx);
    return requestRun(task, index, ctx);
  });
  return {
    pick: weightedPicker(
      tasks.map((task) => task.weight),
      ctx.random,
    ),
    runs,
  };
}

function requestRun(task: RequestTask, index: number, ctx: TaskContext): TaskRun {
  const mode: BodyMode = task.expect.body === 'array' ? 'array' : 'json';
  const fixed: Dispatcher.DispatchOptions = { method: task.method, path: task.path };
  const own = ctx.bodies?.[task.name];
  const body = own
    ? () => JSON.stringify(own())
    : task.body && orderBodies(task.body, ctx.created, ctx.random);
  const headers = { 'content-type': 'application/json' };
  const { recorder, pool } = ctx;
  return async (step) => {
    const options = body ? { method: task.method, path: task.path, headers, body: body() } : fixed;
    step.started();
    const sent = performance.now();
    try {
      const answer = await exchange(pool, options, mode);
      const ms = performance.now() - sent;
      ctx.onAnswer?.(task.name, answer);
      const verdict = classify(answer, task.expect);
      if (verdict === 'ok') recorder.answered(step, index, ms);
      else
        recorder.answered(
          step,
          index,
          ms,
          verdict === 'status' ? { kind: 'status', status: answer.status } : { kind: 'body' },
        );
    } catch (error) {
      recorder.transportError(step, index, transportErrorName(error));
      ctx.onAnswer?.(task.name, { error: transportErrorName(error) });
    } finally {
      step.finished();
    }
    return true;
  };
}

function freshnessRun(index: number, ctx: TaskContext): TaskRun {
  return async (step) => {
    const slot = ctx.probes?.take();
    if (!slot) return false;
    step.started();
    try {
      await ctx.probes!.run(slot, { pool: ctx.pool, recorder: ctx.recorder, step, taskIndex: index });
    } finally {
      step.finished();
      ctx.probes!.give(slot);
    }
    return true;
  };
}
