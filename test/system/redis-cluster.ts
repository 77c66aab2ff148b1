import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { eventually } from '@store/testing';

/*
 * A throw-away Redis Cluster of three masters on local ports, for tests: plain `redis-server` processes in
 * cluster mode (no persistence, files in a temporary folder), joined with `redis-cli --cluster create`. The
 * cluster bus port is set explicitly (port + 100) so it never lands in the ephemeral range (port + 10000 would).
 * stop() kills exactly the processes start() spawned and removes the folder; it is also armed on process exit,
 * so a crashed test run leaves no server behind.
 */
export interface LocalCluster {
  /** `host:port,…` as REDIS_CLUSTER_NODES takes it */
  nodes: string;
  ports: number[];
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

function requireTool(tool: string): void {
  const probe = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `${tool} is needed for the Redis Cluster test (Debian/Ubuntu: apt-get install redis-server)`,
    );
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function startLocalCluster(ports: number[], busOffset = 100): Promise<LocalCluster> {
  requireTool('redis-server');
  requireTool('redis-cli');
  for (const port of [...ports, ...ports.map((p) => p + busOffset)]) {
    if (!(await portIsFree(port)))
      throw new Error(`port ${port} is taken: is an earlier cluster test still running?`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const stop = async () => {
    process.removeListener('exit', killAll);
    await Promise.all(children.map(stopProcess));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const args = [
        ...['--port', String(port), '--cluster-port', String(port + busOffset), '--bind', HOST],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`)],
        ...['--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, `redis-${port}.log`)],
      ];
      children.push(spawn('redis-server', args, { stdio: 'ignore' }));
    }
    for (const port of ports)
      await eventually(`redis-server on ${port}`, () => ping(port), { timeoutMs: 10_000 });
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `${HOST}:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (const port of ports) {
      await eventually(`cluster_state:ok on ${port}`, () => clusterOk(port), { timeoutMs: 20_000 });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((p) => `${HOST}:${p}`).join(','), ports, stop };
}

async function withNode<T>(port: number, work: (redis: Redis) => Promise<T>): Promise<T | undefined> {
  const redis = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    return await work(redis);
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

const ping = (port: number) => withNode(port, (redis) => redis.ping());

const clusterOk = (port: number) =>
  withNode(port, async (redis) => {
    const info = String(await redis.call('CLUSTER', 'INFO'));
    return /cluster_state:ok/.test(info) && /cluster_slots_assigned:16384/.test(info) ? true : undefined;
  });
