import { LatencyLog } from './latency-log';
import { Timeline } from './timeline';

export type Failure =
  { kind: 'transport'; name: string } | { kind: 'status'; status: number } | { kind: 'body' };

export interface ErrorCounts {
  transport: Record<string, number>;
  status: Record<string, number>;
  body: number;
}

/** One task's counts within one step. */
export class TaskTally {
  requests = 0;
  failed = 0;
  readonly errors: ErrorCounts = { transport: {}, status: {}, body: 0 };
  /** Latency of every answer, failed or not (transport errors have none). */
  readonly latency = new LatencyLog();
  /** Freshness tasks: order answered → report shows it; timeouts are the probes that never saw it. */
  readonly freshness = new LatencyLog(64);
  freshnessTimeouts = 0;
  /** Open model: arrivals that found no free connection (k6's dropped_iterations). */
  dropped = 0;
}

/** The target of a step: users (closed model) or an arrival rate (open model). */
export interface StepTarget {
  users?: number;
  ratePerSecond?: number;
}

export class StepRecord {
  readonly tasks: TaskTally[];
  readonly startedAt = performance.now();
  endedAt: number | undefined;
  /** Users actually running at the end of the step (closed model). */
  usersAtEnd = 0;
  private inFlight = 0;
  private whenDrained: (() => void) | undefined;

  constructor(
    readonly index: number,
    readonly target: StepTarget,
    taskCount: number,
  ) {
    this.tasks = Array.from({ length: taskCount }, () => new TaskTally());
  }

  started(): void {
    this.inFlight++;
  }

  finished(): void {
    if (--this.inFlight === 0 && this.endedAt !== undefined) this.whenDrained?.();
  }

  end(usersAtEnd: number): void {
    this.endedAt = performance.now();
    this.usersAtEnd = usersAtEnd;
  }

  /** Resolves once every request sent in this step has been answered (or failed), at most after `timeoutMs`. */
  drained(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.whenDrained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** What the progress line shows: counts since its last tick. */
export class ProgressWindow {
  requests = 0;
  failed = 0;
  readonly latency = new LatencyLog(4096);

  reset(): void {
    this.requests = 0;
    this.failed = 0;
    this.latency.clear();
  }
}

/** Every answer goes through here: into its step's task tally and into the progress window. */
export class Recorder {
  readonly steps: StepRecord[] = [];
  readonly window = new ProgressWindow();
  /** Per-second samples of the whole run (the report's time-series charts). */
  readonly timeline = new Timeline();
  private running = 0;

  constructor(readonly taskNames: readonly string[]) {}

  /** Users running now (closed model) or requests in flight (open model), for the progress line and timeline. */
  get users(): number {
    return this.running;
  }

  set users(count: number) {
    this.running = count;
    this.timeline.users(count);
  }

  get current(): StepRecord | undefined {
    return this.steps.at(-1);
  }

  beginStep(target: StepTarget): StepRecord {
    const step = new StepRecord(this.steps.length, target, this.taskNames.length);
    this.steps.push(step);
    return step;
  }

  answered(step: StepRecord, task: number, ms: number, failure?: Failure): void {
    const tally = step.tasks[task]!;
    tally.requests++;
    tally.latency.add(ms);
    this.window.requests++;
    this.window.latency.add(ms);
    this.timeline.answered(this.users, ms, failure !== undefined);
    if (failure) this.fail(tally, failure);
  }

  transportError(step: StepRecord, task: number, name: string): void {
    const tally = step.tasks[task]!;
    tally.requests++;
    this.window.requests++;
    this.timeline.answered(this.users, undefined, true);
    this.fail(tally, { kind: 'transport', name });
  }

  private fail(tally: TaskTally, failure: Failure): void {
    tally.failed++;
    this.window.failed++;
    if (failure.kind === 'body') tally.errors.body++;
    else if (failure.kind === 'status') bump(tally.errors.status, String(failure.status));
    else bump(tally.errors.transport, failure.name);
  }
}

export const bump = (counts: Record<string, number>, key: string, by = 1): void => {
  counts[key] = (counts[key] ?? 0) + by;
};
