import { loadScenario, scaleScenario, type Scenario, type ScaleSettings } from '../scenarios';

/*
 * How long and how large each part of a run is. The scenario files hold a real run (60 s steps up to 8,000
 * users); six configurations of that would take hours, so the experiments scale them down, more so with --quick
 * (CI: the whole run in about 4 minutes on a 2-core machine, most of it stack restarts and the ramps).
 * DURATION_SCALE and LOAD_SCALE, when set, multiply the ramp's factors further.
 */
export interface Plan {
  mode: 'quick' | 'full';
  /** read-only at 100 users (Q1): always 100 users, the lab's question; only its length is scaled. */
  q1: Scenario;
  rampToBreak: Scenario;
  rampScale: ScaleSettings;
  /** undefined: not measured (with --quick: the report TTL would keep a probe waiting up to a minute). */
  freshness?: Scenario;
  calibration: { users: number; seconds: number; unloadedSeconds: number };
}

export const Q1_USERS = 100;

const MODES = {
  quick: {
    q1Seconds: 3,
    ramp: { durationScale: 1 / 40, loadScale: 0.25 },
    freshness: undefined,
    calibration: { users: 16, seconds: 1.5, unloadedSeconds: 1 },
  },
  full: {
    q1Seconds: 20,
    ramp: { durationScale: 0.2, loadScale: 1 },
    freshness: { durationScale: 0.2, loadScale: 1 },
    calibration: { users: 32, seconds: 5, unloadedSeconds: 2 },
  },
} as const;

function factor(name: string, text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 1;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${text}"`);
  return value;
}

export function makePlan(quick: boolean, env: NodeJS.ProcessEnv = process.env): Plan {
  const mode = quick ? 'quick' : 'full';
  const settings = MODES[mode];
  const rampScale = {
    durationScale: settings.ramp.durationScale * factor('DURATION_SCALE', env.DURATION_SCALE),
    loadScale: settings.ramp.loadScale * factor('LOAD_SCALE', env.LOAD_SCALE),
  };
  const readOnly = loadScenario('read-only');
  const q1Scale = readOnly.load.steps[0]!.durationSeconds;
  const q1 = scaleScenario(readOnly, { durationScale: settings.q1Seconds / q1Scale, loadScale: 1 });
  if (q1.load.model === 'closed') q1.load.steps = [{ users: Q1_USERS, durationSeconds: settings.q1Seconds }];
  return {
    mode,
    q1,
    rampToBreak: scaleScenario(loadScenario('ramp-to-break'), rampScale),
    rampScale,
    freshness: settings.freshness && scaleScenario(loadScenario('freshness'), settings.freshness),
    calibration: settings.calibration,
  };
}

/** The users of each step of a closed-model scenario. */
export function stepUsers(scenario: Scenario): number[] {
  return scenario.load.model === 'closed' ? scenario.load.steps.map((step) => step.users) : [];
}
