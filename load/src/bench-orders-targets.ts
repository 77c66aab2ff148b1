import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, pidsByComm, withDescendants, type ProcSnapshot } from './proc-cpu';

export interface Target {
  name: string;
  url: string;
  /** The database behind the target (its outbox is watched; its fixtures are created there). */
  database: string;
  /** The stack's own processes (pid files or STACK_PIDS_<name>); undefined when not given. */
  rootPids?: number[];
}

/** The shared services every stack's orders pass through; counted in every stack's CPU per order. */
export const MACHINE_SERVICES = ['mariadbd', 'mysqld', 'redis-server', 'beam.smp'] as const;

/**
 * A per-target setting: `<PREFIX>_<name>` as written, or with the name upper-cased and every other character an
 * underscore (`STACK_DIR_BATCHING_ON` for the target batching-on: shells cannot export names with '-').
 */
export function targetSetting(env: NodeJS.ProcessEnv, prefix: string, name: string): string | undefined {
  return env[`${prefix}_${name}`] ?? env[`${prefix}_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];
}

export function parseTargets(env: NodeJS.ProcessEnv): Target[] {
  const entries = (env.TARGETS ?? 'stack=http://127.0.0.1:8080').split(',').map((entry) => entry.trim());
  return entries.map((entry, index) => {
    const [name, url] = entry.split('=');
    if (!name || !url) throw new Error(`TARGETS entry "${entry}" is not name=url`);
    const database =
      targetSetting(env, 'MYSQL_DATABASE', name) ??
      (index === 0 ? env.MYSQL_DATABASE : undefined) ??
      'store_manager';
    return { name, url: url.replace(/\/$/, ''), database, rootPids: rootPids(env, name) };
  });
}

function rootPids(env: NodeJS.ProcessEnv, name: string): number[] | undefined {
  const listed = targetSetting(env, 'STACK_PIDS', name);
  if (listed) return listed.split(',').map(Number).filter(Number.isInteger);
  const dir = targetSetting(env, 'STACK_DIR', name);
  if (!dir) return undefined;
  const pidDir = join(dir, 'pids');
  return readdirSync(pidDir)
    .filter((file) => file.endsWith('.pid'))
    .map((file) => Number(readFileSync(join(pidDir, file), 'utf8').trim()))
    .filter(Number.isInteger);
}

/** Which processes one measurement window charges: the whole stack, and the orders-write Node processes. */
export interface CpuAccount {
  stack: Set<number>;
  node: Set<number>;
}

/** Node processes are told apart by command line (services/<name>/dist/src/main.js). */
export function accountFor(snapshot: ProcSnapshot, roots: number[], nodeMatch: string): CpuAccount {
  const machine = pidsByComm(snapshot, MACHINE_SERVICES);
  return {
    stack: withDescendants(snapshot, [...roots, ...machine]),
    node: new Set(roots.filter((pid) => commandLine(pid).includes(nodeMatch))),
  };
}
