import type { ResourceSample } from './resources';

/*
 * Why a configuration broke where it did, from that run's own measurements: each resource's utilisation per ramp
 * step (CPU cores used / cores it can use), the step where one first filled, and the operational laws' estimate
 * of where the ramp should have broken. Utilisation law U = X·D gives each resource's demand D (CPU seconds per
 * request) from the steps that held; the bottleneck caps throughput at X_max = min(capacity / D); in a closed
 * model with think time Z, Little's law N = X·(R + Z) then puts the knee at N* = X_max·(R₀ + Z) users.
 */

/** "Full": the utilisation above which waiting grows steeply (M/M/1: R = S/(1−U), ×5 at 80 %). */
export const FULL = 0.8;

export interface StepWindow {
  users: number;
  startMs: number;
  endMs: number;
  requests: number;
  seconds: number;
  meanMs: number;
}

export interface Utilisation {
  resource: string;
  /** Cores used on average over the step. */
  cores: number;
  utilisation: number;
}

export interface Prediction {
  bottleneck: string;
  /** CPU seconds per request of the bottleneck, from the steps that held. */
  demandMs: number;
  maxRps: number;
  /** N* = X_max · (R₀ + Z). */
  kneeUsers: number;
  /** The first ramp step above the knee (undefined: none of the steps). */
  predictedBreakUsers?: number;
}

export interface Diagnosis {
  /** The step whose utilisations are shown: the breaking step, or the last one when the ramp held. */
  step: number;
  users: number;
  /** Highest first. */
  utilisations: Utilisation[];
  /** The first resource to reach FULL (by step, then the fullest in it); else the fullest at `step`. */
  filledFirst?: Utilisation & { step: number; users: number; full: boolean };
  /** The whole machine's CPU at `step` (0–1): on a shared host it carries other work too. */
  machine?: number;
  /** Queues and lag at `step` next to the first step: [name, first step, at step]. */
  signals: { name: string; first?: number; there?: number; unit: string }[];
  prediction?: Prediction;
}

const pctOf = (share: number | undefined) => (share === undefined ? undefined : share * 100);
const mean = (values: number[]) =>
  values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : undefined;

/** The samples taken within a step (a sample covers the second before `at`). */
export function samplesIn(samples: readonly ResourceSample[], step: StepWindow): ResourceSample[] {
  return samples.filter((sample) => sample.at > step.startMs && sample.at <= step.endMs + 500);
}

export function stepUtilisations(
  samples: readonly ResourceSample[],
  capacities: Record<string, number>,
): Utilisation[] {
  return Object.entries(capacities)
    .map(([resource, capacity]) => {
      const cores = mean(samples.map((sample) => sample.cpuCores[resource] ?? 0)) ?? 0;
      return { resource, cores, utilisation: capacity > 0 ? cores / capacity : 0 };
    })
    .sort((a, b) => b.utilisation - a.utilisation);
}

export function predict(
  steps: readonly StepWindow[],
  held: readonly StepWindow[],
  samples: readonly ResourceSample[],
  capacities: Record<string, number>,
  thinkSeconds: number,
): Prediction | undefined {
  const basis = held.length ? held : steps.slice(0, 1);
  const requests = basis.reduce((sum, step) => sum + step.requests, 0);
  if (!requests) return undefined;
  let best: Prediction | undefined;
  for (const [resource, capacity] of Object.entries(capacities)) {
    const busy = basis.reduce(
      (sum, step) =>
        sum + samplesIn(samples, step).reduce((cores, sample) => cores + (sample.cpuCores[resource] ?? 0), 0),
      0,
    );
    if (busy <= 0) continue;
    const demand = busy / requests;
    const maxRps = capacity / demand;
    if (!best || maxRps < best.maxRps)
      best = { bottleneck: resource, demandMs: demand * 1000, maxRps, kneeUsers: 0 };
  }
  if (!best) return undefined;
  best.kneeUsers = best.maxRps * (basis[0]!.meanMs / 1000 + thinkSeconds);
  const above = steps.find((step) => step.users > best.kneeUsers);
  return above ? { ...best, predictedBreakUsers: above.users } : best;
}

/** One gateway answer to a report read: when, and whether nginx's cache served it. */
export interface GatewayRead {
  at: number;
  hit: boolean;
}

/** The report reads of the gateway's access log (JSON lines, nginx.conf's log_format gateway). */
export function gatewayReads(log: string): GatewayRead[] {
  const reads: GatewayRead[] = [];
  for (const line of log.split('\n')) {
    if (!line.includes('/orders/reports/')) continue;
    try {
      const entry = JSON.parse(line) as { time: string; cache: string };
      reads.push({ at: Date.parse(entry.time), hit: entry.cache === 'HIT' });
    } catch {
      // a line cut short by a rotation or a crash
    }
  }
  return reads;
}

/** The share of report reads the gateway answered from its cache (log times are whole seconds). */
export function cachedShare(reads: readonly GatewayRead[], step: StepWindow): number | undefined {
  const within = reads.filter(
    (read) => read.at >= Math.floor(step.startMs / 1000) * 1000 && read.at <= step.endMs,
  );
  return within.length ? within.filter((read) => read.hit).length / within.length : undefined;
}

export interface Measured {
  steps: readonly StepWindow[];
  breakingStep: number | undefined;
  samples: readonly ResourceSample[];
  capacities: Record<string, number>;
  thinkSeconds: number;
  gateway: readonly GatewayRead[];
}

export function diagnose({
  steps,
  breakingStep,
  samples,
  capacities,
  thinkSeconds,
  gateway,
}: Measured): Diagnosis | undefined {
  const index = breakingStep ?? steps.length - 1;
  const step = steps[index];
  if (!step) return undefined;
  // The machine as a whole is shown, not ranked: on a shared host it fills with other people's work.
  const { machine, ...own } = capacities;
  const perStep = steps.slice(0, index + 1).map((s) => stepUtilisations(samplesIn(samples, s), own));
  const machineThere =
    machine === undefined
      ? undefined
      : stepUtilisations(samplesIn(samples, step), { machine })[0]?.utilisation;
  const firstFull = perStep.findIndex((list) => (list[0]?.utilisation ?? 0) >= FULL);
  const at = firstFull >= 0 ? firstFull : index;
  const top = perStep[at]?.[0];
  const signal = (name: string, unit: string, value: (sample: ResourceSample) => number | undefined) => {
    const at = (s: StepWindow) => mean(samplesIn(samples, s).flatMap((sample) => value(sample) ?? []));
    return { name, unit, first: at(steps[0]!), there: at(step) };
  };
  const prediction = predict(steps, steps.slice(0, breakingStep ?? steps.length), samples, own, thinkSeconds);
  return {
    step: index,
    users: step.users,
    utilisations: perStep[index] ?? [],
    ...(machineThere === undefined ? {} : { machine: machineThere }),
    ...(top ? { filledFirst: { ...top, step: at, users: steps[at]!.users, full: firstFull >= 0 } } : {}),
    signals: [
      signal('projector queue depth', 'messages', (sample) => sample.queueDepth),
      signal('outbox pending', 'rows', (sample) => sample.outboxPending),
      signal('projection lag', 'ms', (sample) => sample.lagMs),
      {
        name: 'gateway cached share',
        unit: '%',
        first: pctOf(cachedShare(gateway, steps[0]!)),
        there: pctOf(cachedShare(gateway, step)),
      },
    ],
    ...(prediction ? { prediction } : {}),
  };
}
