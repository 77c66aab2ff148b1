import type { ScenarioResult } from '../runner/run-scenario';
import type { ConfigurationRun } from './measure';

/** One step of a ramp, as charted and tabled. */
export interface StepPoint {
  users: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  errorRate: number;
}

export interface Breaking {
  step: number;
  users: number;
  p95Ms: number;
  errorRate: number;
  reasons: string[];
}

export interface RunSummary {
  label: string;
  q1?: { users: number; rps: number; p50Ms: number; p95Ms: number; errorRate: number };
  /** The steps up to the breaking one (included); a step begun after it is left out. */
  steps: StepPoint[];
  /** null: not reached within the steps. */
  breaking: Breaking | null;
  /** Users of the last step that held (0 when the first step broke already). */
  heldUsers: number;
  /** The highest throughput of a step (requests per second, all tasks). */
  peakRps: number;
  complete: boolean;
}

export function rampSteps(ramp: ScenarioResult): StepPoint[] {
  const last = ramp.breakingPoint?.step ?? Infinity;
  return ramp.steps
    .filter((step) => step.index <= last && step.requests > 0)
    .map((step) => ({
      users: step.users ?? 0,
      rps: step.rps,
      p50Ms: step.latencyMs.p50,
      p95Ms: step.latencyMs.p95,
      errorRate: step.errorRate,
    }));
}

export function summarize(run: ConfigurationRun): RunSummary {
  const steps = run.ramp ? rampSteps(run.ramp) : [];
  const point = run.ramp?.breakingPoint;
  const breakingStep = point ? steps[point.step] : undefined;
  const breaking =
    point && breakingStep
      ? {
          step: point.step,
          users: breakingStep.users,
          p95Ms: breakingStep.p95Ms,
          errorRate: breakingStep.errorRate,
          reasons: point.reasons,
        }
      : null;
  const held = breaking ? steps.slice(0, breaking.step) : steps;
  const q1 = run.q1 && {
    users: run.q1.steps[0]?.users ?? 0,
    rps: run.q1.total.rps,
    p50Ms: run.q1.total.latencyMs.p50,
    p95Ms: run.q1.total.latencyMs.p95,
    errorRate: run.q1.total.errorRate,
  };
  return {
    label: run.label,
    ...(q1 ? { q1 } : {}),
    steps,
    breaking,
    heldUsers: held.at(-1)?.users ?? 0,
    peakRps: Math.max(0, ...steps.map((step) => step.rps)),
    complete: !run.error && Boolean(run.ramp),
  };
}

/** The best configuration: most users held, then the highest throughput. */
export function best(summaries: readonly RunSummary[]): RunSummary | undefined {
  return summaries
    .filter((summary) => summary.complete)
    .reduce<RunSummary | undefined>((top, summary) => {
      if (!top) return summary;
      if (summary.heldUsers !== top.heldUsers) return summary.heldUsers > top.heldUsers ? summary : top;
      return summary.peakRps > top.peakRps ? summary : top;
    }, undefined);
}

export interface Gain {
  from: string;
  to: string;
  heldRatio: number;
  peakRpsRatio: number;
  q1P50Ratio: number;
}

/**
 * What each configuration gained over the one before: users held and peak throughput (×, higher is better) and
 * Q1's p50 (×, lower is better). A configuration that held no step counts as holding half the first step's users,
 * so that a ratio exists. A pair with an incomplete run is left out.
 */
export function gains(summaries: readonly RunSummary[], firstStepUsers: number): Gain[] {
  const held = (summary: RunSummary) => summary.heldUsers || firstStepUsers / 2;
  return summaries.slice(1).flatMap((to, index) => {
    const from = summaries[index]!;
    if (!from.complete || !to.complete) return [];
    return {
      from: from.label,
      to: to.label,
      heldRatio: held(to) / held(from),
      peakRpsRatio: from.peakRps ? to.peakRps / from.peakRps : Number.NaN,
      q1P50Ratio: from.q1 && to.q1 ? to.q1.p50Ms / from.q1.p50Ms : Number.NaN,
    };
  });
}

/** The gain that helped most: the largest ratio of users held, then of peak throughput. */
export function largestGain(all: readonly Gain[]): Gain | undefined {
  return all.reduce<Gain | undefined>((top, gain) => {
    if (!top) return gain;
    if (gain.heldRatio !== top.heldRatio) return gain.heldRatio > top.heldRatio ? gain : top;
    return gain.peakRpsRatio > top.peakRpsRatio ? gain : top;
  }, undefined);
}
