import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { runLoad, type Generator } from '../k6/run-load';
import type { ScenarioResult } from '../runner/run-scenario';
import type { Scenario } from '../scenarios/schema';
import { diagnose, gatewayReads, type Diagnosis, type StepWindow } from './bottleneck';
import type { StackPlace } from './configurations';
import { capturePrometheus, type PromSeries } from './prometheus';
import { groupCapacities, sampleResources, type ResourceSample } from './resources';

/** What one ramp-to-break leaves besides its figures: how the stack's resources went, and why it broke. */
export interface RampMeasurement {
  ramp: ScenarioResult;
  generator: Generator;
  /** k6's exported dashboard report, when k6 measured. */
  dashboard?: string;
  resources: ResourceSample[];
  capacities: Record<string, number>;
  diagnosis?: Diagnosis;
  prometheus?: PromSeries[];
  prometheusProblem?: string;
}

/** The ramp's steps up to the breaking one, as the analysis lines them up with the samples. */
export function stepWindows(ramp: ScenarioResult): StepWindow[] {
  const last = ramp.breakingPoint?.step ?? Infinity;
  return ramp.steps
    .filter((step) => step.index <= last && step.requests > 0)
    .map((step) => ({
      users: step.users ?? 0,
      startMs: step.startedAtMs,
      endMs: step.endedAtMs,
      requests: step.requests,
      seconds: step.seconds,
      meanMs: step.latencyMs.mean,
    }));
}

export async function measureRamp(
  scenario: Scenario,
  place: StackPlace,
  options: { stackDir: string; outDir: string; label: string; replicas: number; say: (text: string) => void },
): Promise<RampMeasurement> {
  const capacities = groupCapacities(options.stackDir);
  const sampler = sampleResources({
    stackDir: options.stackDir,
    projectorUrl: place.projectorUrl,
    ordersWriteUrls: Array.from(
      { length: options.replicas },
      (_, i) => `http://127.0.0.1:${place.ordersWriteBasePort + i}`,
    ),
    queue: place.env.PROJECTOR_QUEUE!,
    rabbitMetricsUrl: 'http://127.0.0.1:15692/metrics/detailed?family=queue_coarse_metrics',
  });
  const started = Date.now();
  let load: Awaited<ReturnType<typeof runLoad>>;
  let resources: ResourceSample[];
  try {
    load = await runLoad(scenario, {
      baseUrl: place.gatewayUrl,
      outDir: options.outDir,
      name: `${options.label.replace(/\W+/g, '-')}-ramp`,
      say: options.say,
      progress: { label: `${options.label} ramp` },
    });
  } finally {
    resources = await sampler.stop();
  }
  const ended = Date.now();
  const windows = stepWindows(load.result);
  const breaking = load.result.breakingPoint?.step;
  const breakingIndex = load.result.steps
    .filter((step) => step.requests > 0)
    .findIndex((step) => step.index === breaking);
  const thinkSeconds =
    scenario.load.model === 'closed'
      ? (scenario.load.thinkTimeSeconds.min + scenario.load.thinkTimeSeconds.max) / 2
      : 0;
  const gateway = gatewayReads(readLog(join(options.stackDir, 'logs/nginx-access.log')));
  const diagnosis = diagnose({
    steps: windows,
    breakingStep: breakingIndex >= 0 ? breakingIndex : undefined,
    samples: resources,
    capacities,
    thinkSeconds,
    gateway,
  });
  const measurement: RampMeasurement = {
    ramp: load.result,
    generator: load.generator,
    ...(load.dashboard ? { dashboard: load.dashboard } : {}),
    resources,
    capacities,
    ...(diagnosis ? { diagnosis } : {}),
  };
  try {
    measurement.prometheus = await capturePrometheus(place.prometheusUrl, started, ended, () => delay(1000));
  } catch (error) {
    measurement.prometheusProblem = error instanceof Error ? error.message : String(error);
  }
  return measurement;
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
