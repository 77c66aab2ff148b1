import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** One process as /proc/<pid>/stat shows it; ticks = utime + stime in clock ticks. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

export type ProcSnapshot = Map<number, ProcEntry>;

/**
 * Parses one /proc/<pid>/stat line. comm is in parentheses and may itself hold spaces or ')', so the fields are
 * counted from the last ')': after it come state (field 3), ppid (4), … utime (14), stime (15).
 */
export function parseProcStat(text: string): ProcEntry | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  const [ppid, utime, stime] = [rest[1], rest[11], rest[12]].map(Number);
  if (rest.length < 13 || [ppid, utime, stime].some((value) => !Number.isFinite(value))) return undefined;
  return {
    pid: Number(text.slice(0, open)),
    ppid: ppid!,
    comm: text.slice(open + 1, close),
    ticks: utime! + stime!,
  };
}

/** Every process of the machine now (processes that exit while it is read are skipped). */
export function readProcSnapshot(procDir = '/proc'): ProcSnapshot {
  const snapshot: ProcSnapshot = new Map();
  for (const name of readdirSync(procDir)) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const entry = parseProcStat(readFileSync(`${procDir}/${name}/stat`, 'utf8'));
      if (entry) snapshot.set(entry.pid, entry);
    } catch {
      // gone between readdir and read
    }
  }
  return snapshot;
}

/** The given processes and all their descendants (nginx workers under the master, RabbitMQ's helpers). */
export function withDescendants(snapshot: ProcSnapshot, roots: Iterable<number>): Set<number> {
  const children = new Map<number, number[]>();
  for (const entry of snapshot.values()) {
    const siblings = children.get(entry.ppid);
    if (siblings) siblings.push(entry.pid);
    else children.set(entry.ppid, [entry.pid]);
  }
  const selected = new Set<number>();
  const pending = [...roots].filter((pid) => snapshot.has(pid));
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    if (selected.has(pid)) continue;
    selected.add(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return selected;
}

export const pidsByComm = (snapshot: ProcSnapshot, names: readonly string[]): number[] =>
  [...snapshot.values()].filter((entry) => names.includes(entry.comm)).map((entry) => entry.pid);

/**
 * CPU milliseconds the given processes spent between two snapshots. A process absent from either snapshot (not
 * yet started, or exited) adds nothing: its time cannot be split at the window's edges.
 */
export function cpuMs(
  before: ProcSnapshot,
  after: ProcSnapshot,
  pids: Iterable<number>,
  ticksPerSecond: number,
): number {
  let ticks = 0;
  for (const pid of pids) {
    const first = before.get(pid);
    const last = after.get(pid);
    if (first && last && first.comm === last.comm) ticks += Math.max(0, last.ticks - first.ticks);
  }
  return (ticks * 1000) / ticksPerSecond;
}

/** USER_HZ of this machine (100 almost everywhere). */
export function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** The command line of a process ('' when it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
