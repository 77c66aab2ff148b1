import type { LatencySummary } from '../stats';
import { summarizeLogs } from './latency-log';
import { bump, type ErrorCounts, type StepRecord, type TaskTally } from './recorder';

/** The figures of some requests (one task in one step, a step, a whole run). */
export interface Figures {
  requests: number;
  rps: number;
  latencyMs: LatencySummary;
  failed: number;
  errorRate: number;
  errors: ErrorCounts;
  dropped: number;
  freshnessMs?: LatencySummary;
  freshnessTimeouts?: number;
}

export interface StepFigures extends Figures {
  index: number;
  /** The step's target: users (closed model) or arrivals per second (open model). */
  users?: number;
  ratePerSecond?: number;
  /** Users running (closed) or requests in flight (open) when the step ended. */
  usersAtEnd: number;
  /** The step's start and end (epoch ms), to line it up with what was sampled meanwhile. */
  startedAtMs: number;
  endedAtMs: number;
  seconds: number;
  tasks: Record<string, Figures>;
}

/** Figures of tallies taken together over `seconds` (the tallies of one task, or of all tasks, over steps). */
export function figuresOf(tallies: readonly TaskTally[], seconds: number, withFreshness: boolean): Figures {
  const errors: ErrorCounts = { transport: {}, status: {}, body: 0 };
  let requests = 0;
  let failed = 0;
  let dropped = 0;
  let freshnessTimeouts = 0;
  for (const tally of tallies) {
    requests += tally.requests;
    failed += tally.failed;
    dropped += tally.dropped;
    freshnessTimeouts += tally.freshnessTimeouts;
    errors.body += tally.errors.body;
    for (const [key, count] of Object.entries(tally.errors.status)) bump(errors.status, key, count);
    for (const [key, count] of Object.entries(tally.errors.transport)) bump(errors.transport, key, count);
  }
  const figures: Figures = {
    requests,
    rps: seconds > 0 ? requests / seconds : 0,
    latencyMs: summarizeLogs(tallies.map((tally) => tally.latency)),
    failed,
    errorRate: requests ? failed / requests : 0,
    errors,
    dropped,
  };
  if (!withFreshness) return figures;
  return {
    ...figures,
    freshnessMs: summarizeLogs(tallies.map((tally) => tally.freshness)),
    freshnessTimeouts,
  };
}

export function stepFigures(
  step: StepRecord,
  taskNames: readonly string[],
  freshness: boolean[],
): StepFigures {
  const ended = step.endedAt ?? performance.now();
  const seconds = (ended - step.startedAt) / 1000;
  const tasks: Record<string, Figures> = {};
  taskNames.forEach(
    (name, index) => (tasks[name] = figuresOf([step.tasks[index]!], seconds, freshness[index]!)),
  );
  return {
    index: step.index,
    ...step.target,
    usersAtEnd: step.usersAtEnd,
    startedAtMs: Math.round(performance.timeOrigin + step.startedAt),
    endedAtMs: Math.round(performance.timeOrigin + ended),
    seconds,
    ...figuresOf(step.tasks, seconds, freshness.some(Boolean)),
    tasks,
  };
}
