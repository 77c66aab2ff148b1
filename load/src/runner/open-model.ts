import type { Scenario } from '../scenarios/schema';
import type { Recorder } from './recorder';
import type { Stopper } from './stopper';
import type { TaskRun } from './tasks';

export type OpenLoad = Extract<Scenario['load'], { model: 'open' }>;

/** The scheduler's tick: short enough for an even rate, long enough to cost nothing (≤ 200 wake-ups a second). */
const TICK_MS = 5;

/**
 * The open model: arrivals at a fixed rate per step whatever the answers. An arrival is sent at once when fewer
 * than maxConnections requests are in flight; otherwise it is dropped and counted (k6's dropped_iterations), so
 * a slow system shows as drops and latency, never as a lower send rate hidden in a queue.
 * (autocannon would do the fixed-rate part, but it is not a dependency of this repository.)
 */
export async function runOpen(
  load: OpenLoad,
  recorder: Recorder,
  tasks: { pick: () => number; runs: TaskRun[] },
  run: Stopper,
): Promise<void> {
  let inFlight = 0;
  for (const target of load.steps) {
    if (run.stopped) break;
    const step = recorder.beginStep({ ratePerSecond: target.ratePerSecond });
    const durationMs = target.durationSeconds * 1000;
    const perMs = target.ratePerSecond / 1000;
    let arrived = 0;
    for (;;) {
      const elapsed = performance.now() - step.startedAt;
      const due = Math.floor(Math.min(elapsed, durationMs) * perMs);
      for (; arrived < due; arrived++) {
        const task = tasks.pick();
        if (inFlight >= load.maxConnections) {
          step.tasks[task]!.dropped++;
          continue;
        }
        inFlight++;
        void tasks.runs[task]!(step).then((ran) => {
          inFlight--;
          if (!ran) step.tasks[task]!.dropped++;
        });
      }
      recorder.users = inFlight;
      if (elapsed >= durationMs || run.stopped) break;
      await run.sleep(Math.min(TICK_MS, durationMs - elapsed));
    }
    step.end(inFlight);
  }
}
