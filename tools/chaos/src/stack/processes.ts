import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Small process and port helpers for the dedicated servers and the stack (Linux: /proc). */

export { sleep };

/** Alive and not a zombie (a killed child whose parent has not reaped it yet counts as dead). */
export function pidAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // "pid (comm) state …": comm may hold spaces and parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false;
  }
}

/** The process's command line, or '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

export function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined, or `timeoutMs` passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(intervalMs);
  }
}

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** SIGKILL (or `signal`), then waits (bounded) until the process is gone. True when it is. */
export async function killAndWait(
  pid: number | undefined,
  signal: NodeJS.Signals = 'SIGKILL',
  timeoutMs = 10_000,
) {
  if (!pidAlive(pid)) return true;
  try {
    process.kill(pid!, signal);
  } catch {
    return !pidAlive(pid);
  }
  return (await waitFor(() => (pidAlive(pid) ? undefined : true), timeoutMs, 50)) ?? false;
}

export interface CommandResult {
  status: number | null;
  output: string;
}

/** Runs a command to its end (bounded); `onLine` sees its output line by line as it comes. */
export function run(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs?: number; onLine?: (line: string) => void } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let partial = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      if (!options.onLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine(line);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ status: null, output: `${output}${error.message}` });
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      if (partial && options.onLine) options.onLine(partial);
      resolve({ status, output });
    });
  });
}
