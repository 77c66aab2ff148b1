import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import {
  clockTicksPerSecond,
  cpuMs,
  pidsByComm,
  readProcSnapshot,
  withDescendants,
  type ProcSnapshot,
} from '../proc-cpu';
import { parseHistogram } from './projection-lag';

/** One second of the stack under load, as the sampler saw it. */
export interface ResourceSample {
  /** Date.now() at the end of the second. */
  at: number;
  /** Cores each process group used over the second (1 = one core busy the whole second). */
  cpuCores: Record<string, number>;
  /** Messages ready in the projector's queue (undefined: RabbitMQ's metrics endpoint did not answer). */
  queueDepth?: number;
  /** Outbox rows not yet published, over every orders-write replica. */
  outboxPending?: number;
  /** Mean projection lag of the events applied in that second (ms). */
  lagMs?: number;
}

/** The process groups of a stack and the shared servers, with how many cores each could use at most. */
export interface CpuGroup {
  name: string;
  pids: Set<number>;
  capacityCores: number;
}

const SHARED: Record<string, { comm: string[]; capacity: number | 'machine' }> = {
  // Redis runs commands on one thread; MariaDB and RabbitMQ (Erlang schedulers) use every core.
  MariaDB: { comm: ['mariadbd', 'mysqld'], capacity: 'machine' },
  RabbitMQ: { comm: ['beam.smp'], capacity: 'machine' },
  Redis: { comm: ['redis-server'], capacity: 1 },
};

/**
 * Groups by pid-file name (orders-write-2 → orders-write); a Node service process runs JavaScript on one thread,
 * so each is one core at most; nginx is its workers; the load generator is this process.
 */
export function cpuGroups(
  snapshot: ProcSnapshot,
  pidFiles: Record<string, number>,
  selfPid: number,
  machineCores: number,
): CpuGroup[] {
  const groups = new Map<string, CpuGroup>();
  const add = (name: string, pids: Iterable<number>, capacity: number) => {
    const group = groups.get(name) ?? { name, pids: new Set<number>(), capacityCores: 0 };
    for (const pid of pids) group.pids.add(pid);
    group.capacityCores += capacity;
    groups.set(name, group);
  };
  for (const [file, pid] of Object.entries(pidFiles)) {
    const name = file.replace(/-\d+$/, '');
    const pids = withDescendants(snapshot, [pid]);
    add(name, pids, name === 'nginx' ? Math.max(1, pids.size - 1) : 1);
  }
  for (const [name, shared] of Object.entries(SHARED)) {
    const pids = withDescendants(snapshot, pidsByComm(snapshot, shared.comm));
    if (pids.size) add(name, pids, shared.capacity === 'machine' ? machineCores : shared.capacity);
  }
  add('load generator', [selfPid], 1);
  return [...groups.values()];
}

export function readPidFiles(stackDir: string): Record<string, number> {
  const dir = join(stackDir, 'pids');
  const files: Record<string, number> = {};
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.pid'))) {
    const pid = Number(readFileSync(join(dir, file), 'utf8').trim());
    if (Number.isInteger(pid)) files[file.slice(0, -4)] = pid;
  }
  return files;
}

/** A /metrics page's text, or undefined when it does not answer 200 within `timeoutMs` (a sample is then skipped). */
export async function metricsText(url: string, timeoutMs = 900): Promise<string | undefined> {
  try {
    const response = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const text = await response.body.text();
    return response.statusCode === 200 ? text : undefined;
  } catch {
    return undefined;
  }
}

/** The value of one sample line `name{…label…} value` (the sum over the lines that match). */
export function sampleValue(text: string, name: string, label = ''): number | undefined {
  let found: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !/[\s{]/.test(line[name.length] ?? '') || !line.includes(label)) continue;
    found = (found ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return found;
}

/** Busy clock ticks of the whole machine from /proc/stat's first line (all but idle and iowait). */
export function machineBusyTicks(stat: string): number {
  const fields = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0);
  return total - (fields[3] ?? 0) - (fields[4] ?? 0);
}

const readBusy = () => machineBusyTicks(readFileSync('/proc/stat', 'utf8'));

export interface SamplerPlace {
  stackDir: string;
  projectorUrl: string;
  ordersWriteUrls: string[];
  queue: string;
  rabbitMetricsUrl: string;
}

/** Samples the stack once a second until stopped; stop() hands back the samples. */
export function sampleResources(place: SamplerPlace): { stop: () => Promise<ResourceSample[]> } {
  const samples: ResourceSample[] = [];
  const hz = clockTicksPerSecond();
  const machineCores = cpus().length;
  const pidFiles = readPidFiles(place.stackDir);
  let before = readProcSnapshot();
  let busy = readBusy();
  let lag = { sum: 0, count: 0 };
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    const [projector, rabbit, ...writers] = await Promise.all([
      metricsText(`${place.projectorUrl}/metrics`),
      metricsText(place.rabbitMetricsUrl),
      ...place.ordersWriteUrls.map((url) => metricsText(`${url}/metrics`)),
    ]);
    const after = readProcSnapshot();
    const groups = cpuGroups(after, pidFiles, process.pid, machineCores);
    const cpuCores: Record<string, number> = {};
    for (const group of groups) cpuCores[group.name] = cpuMs(before, after, group.pids, hz) / 1000;
    before = after;
    const busyNow = readBusy();
    cpuCores.machine = (busyNow - busy) / hz;
    busy = busyNow;
    const sample: ResourceSample = { at: Date.now(), cpuCores };
    if (rabbit)
      sample.queueDepth = sampleValue(rabbit, 'rabbitmq_detailed_queue_messages_ready', `"${place.queue}"`);
    const pending = writers.map((text) => (text ? sampleValue(text, 'outbox_pending_events') : undefined));
    if (pending.some((value) => value !== undefined))
      sample.outboxPending = pending.reduce<number>((sum, value) => sum + (value ?? 0), 0);
    if (projector) {
      const { sum, count } = parseHistogram(projector, 'projection_lag_seconds');
      if (count > lag.count) sample.lagMs = ((sum - lag.sum) / (count - lag.count)) * 1000;
      lag = { sum, count };
    }
    samples.push(sample);
  };
  const timer = setInterval(() => void (running = running.then(tick)), 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      return samples;
    },
  };
}

/** Capacities of the groups for the analysis (the same grouping as the samples). */
export function groupCapacities(stackDir: string): Record<string, number> {
  const groups = cpuGroups(readProcSnapshot(), readPidFiles(stackDir), process.pid, cpus().length);
  return Object.fromEntries<number>([
    ...groups.map((group): [string, number] => [group.name, group.capacityCores]),
    ['machine', cpus().length],
  ]);
}
