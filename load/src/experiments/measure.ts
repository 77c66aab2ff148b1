import { join } from 'node:path';
import { measureCeilings, type Ceiling } from '../calibration/ceilings';
import { runScenario, type ScenarioResult } from '../runner/run-scenario';
import { readUpstreamPolicies, type UpstreamPolicy } from './balancing';
import {
  DEFAULT_WRITE_LIMIT,
  RAISED_WRITE_LIMIT,
  stackPlace,
  type Configuration,
  type ConfigurationId,
} from './configurations';
import type { Plan } from './plan';
import { readProjectionLag, type ProjectionLag } from './projection-lag';
import { Stack } from './stack';

export interface ConfigurationRun {
  /** C1…C6, or e.g. "C6 @ default limit" for the run at the gateway's default write limit. */
  label: string;
  id: ConfigurationId;
  adds: string;
  writeLimit: 'raised' | 'default';
  switches: Record<string, string>;
  stackDir: string;
  q1?: ScenarioResult;
  ramp?: ScenarioResult;
  freshness?: ScenarioResult;
  projectionLag?: ProjectionLag;
  balancing: UpstreamPolicy[];
  seconds: number;
  /** Why the run is incomplete (stack did not start, a scenario failed). */
  error?: string;
}

export interface MeasureOptions {
  plan: Plan;
  stacksDir: string;
  writeLimit: 'raised' | 'default';
  /** Run Q1 (read-only at 100 users); the default-limit run skips it (reads are not limited). */
  q1: boolean;
  freshness: boolean;
  /** Called once the stack is up, before the load: the run's calibration goes on the first stack. */
  beforeLoad?: (gatewayUrl: string, database: string) => Promise<void>;
  say: (text: string) => void;
}

/** Starts the configuration's stack, runs its scenarios, reads its projection lag, and stops it. */
export async function measureConfiguration(
  configuration: Configuration,
  options: MeasureOptions,
): Promise<ConfigurationRun> {
  const label = options.writeLimit === 'raised' ? configuration.id : `${configuration.id} @ default limit`;
  const stackDir = join(options.stacksDir, label.replace(/\W+/g, '-'));
  const place = stackPlace(stackDir);
  const limit = options.writeLimit === 'raised' ? RAISED_WRITE_LIMIT : DEFAULT_WRITE_LIMIT;
  const switches = { ...configuration.switches, ...limit };
  const stack = new Stack({ ...place.env, ...switches }, options.say);
  const run: ConfigurationRun = {
    label,
    id: configuration.id,
    adds: configuration.adds,
    writeLimit: options.writeLimit,
    switches,
    stackDir,
    balancing: [],
    seconds: 0,
  };
  const started = performance.now();
  const progress = (what: string) => ({ label: `${label} ${what}` });
  try {
    options.say(`${label}: starting the stack (${describe(switches)})`);
    await stack.start();
    run.balancing = readUpstreamPolicies(join(stackDir, 'nginx/nginx.conf'));
    await options.beforeLoad?.(place.gatewayUrl, place.env.MYSQL_DATABASE!);
    if (options.q1) {
      options.say(`${label}: read-only at 100 users (Q1)`);
      run.q1 = await runScenario(options.plan.q1, { baseUrl: place.gatewayUrl, progress: progress('Q1') });
    }
    options.say(`${label}: ramp-to-break`);
    run.ramp = await runScenario(options.plan.rampToBreak, {
      baseUrl: place.gatewayUrl,
      progress: progress('ramp'),
    });
    if (options.freshness && options.plan.freshness) {
      options.say(`${label}: freshness`);
      run.freshness = await runScenario(options.plan.freshness, {
        baseUrl: place.gatewayUrl,
        progress: progress('freshness'),
      });
    }
    run.projectionLag = await readProjectionLag(place.projectorUrl);
  } catch (error) {
    run.error = error instanceof Error ? error.message : String(error);
    options.say(`${label}: FAILED: ${run.error}`);
  } finally {
    await stack.stop();
    run.seconds = (performance.now() - started) / 1000;
  }
  return run;
}

export function describe(switches: Record<string, string>): string {
  return Object.entries(switches)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}

/** This machine's ceilings, on the first configuration's stack (its database takes the order transactions). */
export async function calibrate(
  plan: Plan,
  gatewayUrl: string,
  database: string,
  say: (text: string) => void,
): Promise<Ceiling[]> {
  say('calibration: this machine’s ceilings (nginx fixed body, Express + Redis GET, order transaction)');
  return measureCeilings({ stackUrl: gatewayUrl, database, ...plan.calibration, progress: true });
}
