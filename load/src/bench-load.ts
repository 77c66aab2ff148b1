import type { ProgressOptions } from './runner/progress';
import { runScenario } from './runner/run-scenario';
import { scenarioSchema } from './scenarios/schema';
import type { LatencySummary } from './stats';

/*
 * A bench's closed-loop load, run by the project's runner: `users` users without think time for `seconds`, all
 * doing one task. The benches read answers by status (201s are orders), so the runner's failures per status are
 * put back together with the successes into one count per status.
 */
export interface BenchLoad {
  url: string;
  task: {
    method: 'GET' | 'POST';
    path: string;
    expect: { status: number; body: 'array' | { field: string } };
  };
  /** A POST's body, made per request (a bench's own order mix). */
  body?: () => unknown;
  users: number;
  seconds: number;
  /** The runner's live line (rps, p50/p95, errors of the last interval); none by default. */
  progress?: Partial<Pick<ProgressOptions, 'stream' | 'everyMs' | 'label'>>;
}

export interface BenchLoadResult {
  requests: number;
  perSecond: number;
  elapsedSeconds: number;
  latencyMs: LatencySummary;
  statuses: Record<string, number>;
  /** Requests that got no answer (transport errors). */
  errors: number;
}

const TASK = 'bench';

export async function runBenchLoad(load: BenchLoad): Promise<BenchLoadResult> {
  const scenario = scenarioSchema.parse({
    name: 'bench',
    description: `${load.task.method} ${load.task.path} at ${load.users} users`,
    setup: {},
    tasks: [{ name: TASK, weight: 1, ...load.task }],
    load: {
      model: 'closed',
      thinkTimeSeconds: { min: 0, max: 0 },
      steps: [{ users: load.users, durationSeconds: load.seconds }],
      rampSeconds: 0,
    },
    // A bench reports what it saw; it has no pass or fail.
    thresholds: { errorRate: 1, p95Ms: Number.MAX_SAFE_INTEGER },
  });
  const result = await runScenario(scenario, {
    baseUrl: load.url,
    progress: load.progress ?? false,
    ...(load.body ? { bodies: { [TASK]: load.body } } : {}),
  });
  const step = result.steps[0]!;
  const { transport, status, body } = step.errors;
  const errors = Object.values(transport).reduce((sum, count) => sum + count, 0);
  // A body failure still had the expected status (the answer lacked the expected field).
  const expected = step.requests - step.failed + body;
  const statuses: Record<string, number> = { ...status };
  if (expected > 0) statuses[String(load.task.expect.status)] = expected;
  return {
    requests: step.requests,
    perSecond: step.rps,
    elapsedSeconds: step.seconds,
    latencyMs: step.latencyMs,
    statuses,
    errors,
  };
}
