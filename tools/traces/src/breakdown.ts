import { compareStages } from './classify';
import type { GatewayRequest, Span } from './span';
import { OPERATIONS, traceSamples, type TraceSample } from './trace-samples';

export interface StageSummary {
  stage: string;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  /** mean of this stage / mean total: the shares of an operation add up to 1. */
  share: number;
  /** traces in which the stage took any time */
  traces: number;
}

export interface OperationBreakdown {
  operation: string;
  traces: number;
  total: { p50Ms: number; p95Ms: number; meanMs: number };
  stages: StageSummary[];
}

/** Nearest-rank percentile (q in 0..1) of an ascending array. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

function summarise(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1);
  return { p50Ms: round(percentile(sorted, 0.5)), p95Ms: round(percentile(sorted, 0.95)), meanMs: mean };
}

/**
 * Per operation, every stage over the same traces: a trace in which a stage did not occur counts as 0 ms for it
 * (so the percentiles and the shares describe the same population).
 */
export function summariseOperation(operation: string, samples: TraceSample[]): OperationBreakdown {
  const totals = samples.map((sample) => [...sample.stages.values()].reduce((sum, ms) => sum + ms, 0));
  const total = summarise(totals);
  const stageNames = [...new Set(samples.flatMap((sample) => [...sample.stages.keys()]))].sort(compareStages);
  const stages = stageNames.map((stage): StageSummary => {
    const values = samples.map((sample) => sample.stages.get(stage) ?? 0);
    const summary = summarise(values);
    return {
      stage,
      ...summary,
      meanMs: round(summary.meanMs),
      share: total.meanMs > 0 ? Math.round((summary.meanMs / total.meanMs) * 10_000) / 10_000 : 0,
      traces: values.filter((ms) => ms > 0).length,
    };
  });
  return { operation, traces: samples.length, total: { ...total, meanMs: round(total.meanMs) }, stages };
}

/** The breakdown of every operation, in the order of OPERATIONS (an operation without traces has none). */
export function breakdown(spans: Span[], gateway: GatewayRequest[] = []): OperationBreakdown[] {
  const samples = traceSamples(spans, gateway);
  return OPERATIONS.map((operation) =>
    summariseOperation(
      operation,
      samples.filter((sample) => sample.operation === operation),
    ),
  );
}
