import type { Row } from './results';
import { median, round } from './stats';

/** One loaded round of one target. CPU is undefined when the target's processes are unknown. */
export interface RoundSample {
  ordersPerSecond: number;
  p50: number;
  p95: number;
  statuses: Record<string, number>;
  errors: number;
  /** 201 answers in the round */
  orders: number;
  stackCpuMs?: number;
  nodeCpuMs?: number;
  /** Seconds until the outbox had no unpublished rows after the round; undefined: no outbox (calibration). */
  drainSeconds?: number;
  drained?: boolean;
}

export interface TargetRuns {
  rounds: RoundSample[];
  unloadedP50: number;
}

const NOT_AVAILABLE = 'n/a';

/** CPU per order over all rounds: the sum of CPU over the sum of orders (not a median of per-round ratios). */
function perOrder(rounds: RoundSample[], cpu: (sample: RoundSample) => number | undefined): string | number {
  const values = rounds.map(cpu);
  const orders = rounds.reduce((sum, sample) => sum + sample.orders, 0);
  if (values.some((value) => value === undefined) || orders === 0) return NOT_AVAILABLE;
  return round(values.reduce((sum: number, value) => sum + value!, 0) / orders, 3);
}

/** "409×3, errors×1", or "0" when every answer was a 201. */
export function otherStatuses(rounds: RoundSample[]): string {
  const counts: Record<string, number> = {};
  for (const sample of rounds) {
    for (const [status, count] of Object.entries(sample.statuses)) {
      if (status !== '201') counts[status] = (counts[status] ?? 0) + count;
    }
    if (sample.errors) counts.errors = (counts.errors ?? 0) + sample.errors;
  }
  const parts = Object.entries(counts).map(([status, count]) => `${status}×${count}`);
  return parts.length ? parts.join(', ') : '0';
}

function drain(rounds: RoundSample[]): string | number {
  if (rounds.every((sample) => sample.drainSeconds === undefined)) return NOT_AVAILABLE;
  if (rounds.some((sample) => sample.drained === false)) return 'not drained';
  return round(Math.max(...rounds.map((sample) => sample.drainSeconds ?? 0)), 2);
}

/**
 * The table of one mix: per target the median over rounds, and ratios to the calibration server measured in the
 * same run (the ratios are the result; absolute numbers depend on the machine and its neighbours).
 */
export function buildRows(mix: string, runs: Record<string, TargetRuns>, calibration: string): Row[] {
  const rate = (name: string) => median(runs[name]?.rounds.map((sample) => sample.ordersPerSecond) ?? []);
  const baseRate = rate(calibration);
  const baseUnloaded = runs[calibration]?.unloadedP50 ?? Number.NaN;
  return Object.entries(runs).map(([name, { rounds, unloadedP50 }]) => ({
    mix,
    target: name,
    'orders/s': round(rate(name), 0),
    '× calibration': round(rate(name) / baseRate, 2),
    'p50 ms': round(median(rounds.map((sample) => sample.p50)), 2),
    'p95 ms': round(median(rounds.map((sample) => sample.p95)), 2),
    'answered 201': rounds.reduce((sum, sample) => sum + sample.orders, 0),
    'other answers': otherStatuses(rounds),
    'unloaded p50 ms': round(unloadedP50, 2),
    'unloaded × calibration': round(unloadedP50 / baseUnloaded, 2),
    'CPU ms/order (stack)': perOrder(rounds, (sample) => sample.stackCpuMs),
    'Node ms/order (orders-write)': perOrder(rounds, (sample) => sample.nodeCpuMs),
    'outbox drained in s': drain(rounds),
  }));
}
