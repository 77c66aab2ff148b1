import type { Scenario } from './schema';

/**
 * Scaling of a scenario for short or small runs (CI, `--quick`, the e2e tier): the JSON holds the durations and
 * sizes of a real run, and both the k6 scripts (load/k6/lib/plan.js, from DURATION_SCALE and LOAD_SCALE in the
 * environment) and the project's runner derive a smaller run with the same rules, written down here and in
 * load/scenarios/README.md. Keep the two in step: a unit test compares them on every scenario file.
 */
export interface ScaleSettings {
  /** Multiplies every step's duration (at least 1 s after scaling) and the ramp. */
  durationScale: number;
  /** Multiplies users, arrival rates, connections and the users/products created in setup. */
  loadScale: number;
}

export const NO_SCALING: ScaleSettings = { durationScale: 1, loadScale: 1 };

/** A step shorter than this measures nothing useful. */
export const MIN_STEP_SECONDS = 1;

function positiveFactor(name: string, text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 1;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${text}"`);
  return value;
}

export function scaleSettingsFromEnv(env: NodeJS.ProcessEnv): ScaleSettings {
  return {
    durationScale: positiveFactor('DURATION_SCALE', env.DURATION_SCALE),
    loadScale: positiveFactor('LOAD_SCALE', env.LOAD_SCALE),
  };
}

const millis = (seconds: number) => Math.round(seconds * 1000) / 1000;
const stepSeconds = (seconds: number, scale: number) => Math.max(MIN_STEP_SECONDS, millis(seconds * scale));
const atLeastOne = (value: number) => Math.max(1, Math.round(value));

export function scaleScenario(scenario: Scenario, { durationScale, loadScale }: ScaleSettings): Scenario {
  const setup = {
    ...scenario.setup,
    createUsers: Math.ceil(scenario.setup.createUsers * loadScale),
    createProducts: Math.ceil(scenario.setup.createProducts * loadScale),
  };
  const load =
    scenario.load.model === 'closed'
      ? {
          ...scenario.load,
          rampSeconds: millis(scenario.load.rampSeconds * durationScale),
          steps: scenario.load.steps.map((step) => ({
            users: atLeastOne(step.users * loadScale),
            durationSeconds: stepSeconds(step.durationSeconds, durationScale),
          })),
        }
      : {
          ...scenario.load,
          maxConnections: Math.max(1, Math.ceil(scenario.load.maxConnections * loadScale)),
          steps: scenario.load.steps.map((step) => ({
            ratePerSecond: atLeastOne(step.ratePerSecond * loadScale),
            durationSeconds: stepSeconds(step.durationSeconds, durationScale),
          })),
        };
  return { ...scenario, setup, load };
}

/** The planned length of the load (set-up excluded). */
export function scenarioSeconds(scenario: Scenario): number {
  const steps: { durationSeconds: number }[] = scenario.load.steps;
  return steps.reduce((total, step) => total + step.durationSeconds, 0);
}
