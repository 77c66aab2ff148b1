import { scenarioSchema, type Scenario } from '../src/scenarios/schema';

/** Scenario objects for the runner's tests, validated by the real schema (the JSON files are not needed). */
export function closedScenario(
  tasks: unknown[],
  load: {
    users: number[];
    stepSeconds: number;
    thinkSeconds?: [number, number];
    breakAt?: { p95Ms?: number; errorRate?: number };
  },
  setup: object = {},
): Scenario {
  const [min, max] = load.thinkSeconds ?? [0, 0];
  return scenarioSchema.parse({
    name: 'test-closed',
    description: 'built by a test',
    setup,
    tasks,
    load: {
      model: 'closed',
      thinkTimeSeconds: { min, max },
      steps: load.users.map((users) => ({ users, durationSeconds: load.stepSeconds })),
      rampSeconds: 0,
      breakingCriteria: load.breakAt && { errorRate: 0.5, p95Ms: 60_000, ...load.breakAt },
    },
    thresholds: { errorRate: 0.01, p95Ms: 1000 },
  });
}

export function openScenario(
  tasks: unknown[],
  ratePerSecond: number,
  seconds: number,
  maxConnections: number,
): Scenario {
  return scenarioSchema.parse({
    name: 'test-open',
    description: 'built by a test',
    setup: {},
    tasks,
    load: { model: 'open', steps: [{ ratePerSecond, durationSeconds: seconds }], maxConnections },
    thresholds: { errorRate: 0.01, p95Ms: 1000 },
  });
}

export const getTask = (name: string, path: string, weight = 1) => ({
  name,
  weight,
  method: 'GET',
  path,
  expect: { status: 200, body: 'array' },
});
