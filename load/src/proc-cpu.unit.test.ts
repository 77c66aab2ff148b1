import { cpuMs, parseProcStat, pidsByComm, withDescendants, type ProcSnapshot } from './proc-cpu';

/** A /proc/<pid>/stat line with the fields the accounting reads (the rest are zeros). */
const statLine = (pid: number, comm: string, ppid: number, utime: number, stime: number) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 12345 0 0`;

const snapshotOf = (lines: string[]): ProcSnapshot =>
  new Map(lines.map((line) => parseProcStat(line)!).map((entry) => [entry.pid, entry]));

describe('CPU accounting from /proc', () => {
  it('When a stat line is parsed, then ppid and utime + stime are read after the command name', () => {
    expect(parseProcStat(statLine(42, 'node', 1, 250, 50))).toEqual({
      pid: 42,
      ppid: 1,
      comm: 'node',
      ticks: 300,
    });
    expect(parseProcStat(statLine(43, 'odd) name (x', 42, 7, 3))).toEqual({
      pid: 43,
      ppid: 42,
      comm: 'odd) name (x',
      ticks: 10,
    });
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  it('When two snapshots are compared, then the stack is its roots, their children and the machine services', () => {
    const before = snapshotOf([
      statLine(100, 'node', 1, 1000, 100), // orders-write
      statLine(200, 'nginx', 1, 10, 10), // master
      statLine(201, 'nginx', 200, 500, 100), // worker of the master
      statLine(300, 'mariadbd', 1, 9000, 1000),
      statLine(400, 'node', 1, 50, 50), // someone else's process
      statLine(500, 'node', 1, 0, 0), // exits in the window
    ]);
    const after = snapshotOf([
      statLine(100, 'node', 1, 1300, 150), // +350 ticks
      statLine(200, 'nginx', 1, 10, 10), // +0
      statLine(201, 'nginx', 200, 560, 140), // +100
      statLine(300, 'mariadbd', 1, 9400, 1100), // +500
      statLine(400, 'node', 1, 5000, 5000),
      statLine(600, 'node', 100, 90, 10), // started in the window: not counted
    ]);
    const stack = withDescendants(before, [
      100,
      200,
      500,
      ...pidsByComm(before, ['mariadbd', 'redis-server']),
    ]);
    expect([...stack].sort()).toEqual([100, 200, 201, 300, 500]);
    expect(cpuMs(before, after, stack, 100)).toBe(9500);
    expect(cpuMs(before, after, [100], 100)).toBe(3500);
    expect(cpuMs(before, after, [100], 1000)).toBe(350);
  });

  it('When a pid was reused by another program in the window, then it adds nothing', () => {
    const before = snapshotOf([statLine(100, 'node', 1, 1000, 0)]);
    const after = snapshotOf([statLine(100, 'bash', 1, 5, 0)]);
    expect(cpuMs(before, after, [100], 100)).toBe(0);
  });
});
