import { cpus } from 'node:os';
import { cpuGroups, metricsText, readPidFiles } from '../experiments/resources';
import {
  clockTicksPerSecond,
  cpuMs,
  readProcSnapshot,
  withDescendants,
  type ProcSnapshot,
} from '../proc-cpu';
import type { MetricsAt } from './figures';

/** Where one target's processes and metrics are: a stack (pid files, /metrics) or the calibration server's pid. */
export type CostTarget =
  | { kind: 'stack'; stackDir: string; ordersWriteUrls: string[]; projectorUrl: string }
  | { kind: 'calibration'; pid: number };

export async function readMetrics(target: CostTarget): Promise<MetricsAt | undefined> {
  if (target.kind !== 'stack') return undefined;
  const [projector, ...writers] = await Promise.all([
    metricsText(`${target.projectorUrl}/metrics`, 5000),
    ...target.ordersWriteUrls.map((url) => metricsText(`${url}/metrics`, 5000)),
  ]);
  return { writers: writers.filter((text): text is string => text !== undefined), projector };
}

/**
 * CPU ms of each process group between two snapshots. The shared servers (MariaDB, RabbitMQ, Redis) serve the
 * whole machine: what other users of this machine make them do in the window counts too (see the idle floor).
 */
export function groupCpuMs(
  target: CostTarget,
  before: ProcSnapshot,
  after: ProcSnapshot,
): Record<string, number> {
  const hz = clockTicksPerSecond();
  const pidFiles = target.kind === 'stack' ? readPidFiles(target.stackDir) : {};
  const groups = cpuGroups(after, pidFiles, process.pid, cpus().length);
  if (target.kind === 'calibration') {
    groups.push({ name: 'calibration', pids: withDescendants(after, [target.pid]), capacityCores: 1 });
  }
  return Object.fromEntries(groups.map((group) => [group.name, cpuMs(before, after, group.pids, hz)]));
}

/** Runs `work` between two readings of CPU and metrics; hands back both with work's result. */
export async function measured<T>(
  target: CostTarget,
  work: () => Promise<T>,
): Promise<{ result: T; cpuMs: Record<string, number>; metrics?: { before: MetricsAt; after: MetricsAt } }> {
  const metricsBefore = await readMetrics(target);
  const before = readProcSnapshot();
  const result = await work();
  const after = readProcSnapshot();
  const metricsAfter = await readMetrics(target);
  const cpu = groupCpuMs(target, before, after);
  return {
    result,
    cpuMs: cpu,
    ...(metricsBefore && metricsAfter ? { metrics: { before: metricsBefore, after: metricsAfter } } : {}),
  };
}
