import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HOST, PORTS, type StackPaths } from '../settings';
import { commandLine, killAndWait, pidAlive, portOpen, readPid, waitFor } from './processes';

/*
 * The chaos stack's own Redis (never the machine's shared one: a drill kills it). No persistence at all
 * (--save '' --appendonly no), so a restart comes back empty: "Redis lost everything".
 */
export class RedisServer {
  private readonly pidFile: string;

  constructor(private readonly paths: StackPaths) {
    this.pidFile = join(paths.stackDir, 'chaos-pids/redis.pid');
  }

  get pid(): number | undefined {
    return readPid(this.pidFile);
  }

  /** The run's first start: a Redis left by an interrupted run is stopped first. */
  async startFresh(): Promise<void> {
    await this.stopStale();
    await this.start();
  }

  async start(): Promise<void> {
    mkdirSync(this.paths.redis, { recursive: true });
    mkdirSync(this.paths.logs, { recursive: true });
    mkdirSync(join(this.paths.stackDir, 'chaos-pids'), { recursive: true });
    const log = openSync(join(this.paths.logs, 'redis.log'), 'a');
    const args = ['--port', String(PORTS.redis), '--bind', HOST, '--save', '', '--appendonly', 'no'];
    args.push('--dir', this.paths.redis, '--daemonize', 'no', '--protected-mode', 'yes');
    // Its own process group: a ctrl-C reaches the cleanup, which stops it, not Redis directly.
    const child = spawn('redis-server', args, { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref();
    if (!child.pid) throw new Error('redis-server did not start (is it installed?)');
    writeFileSync(this.pidFile, String(child.pid));
    const up = await waitFor(async () => ((await portOpen(PORTS.redis)) ? true : undefined), 15_000, 100);
    if (!up)
      throw new Error(`redis-server did not listen on ${PORTS.redis} (log: ${this.paths.logs}/redis.log)`);
  }

  /** kill -9: everything it held is gone. Returns once nothing listens on its port any more. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (!(await killAndWait(pid, 'SIGKILL'))) throw new Error(`redis-server (pid ${pid}) survived SIGKILL`);
    const closed = await waitFor(async () => ((await portOpen(PORTS.redis)) ? undefined : true), 10_000, 50);
    if (!closed)
      throw new Error(`port ${PORTS.redis} still accepts connections after redis-server (pid ${pid}) died`);
  }

  async stop(): Promise<void> {
    if (!(await killAndWait(this.pid, 'SIGTERM', 5000))) await killAndWait(this.pid, 'SIGKILL');
    rmSync(this.pidFile, { force: true });
  }

  /** A Redis left by an earlier run that died without its cleanup (only if the pid is still that Redis). */
  private async stopStale(): Promise<void> {
    const pid = this.pid;
    if (pid && pidAlive(pid) && commandLine(pid).includes(`:${PORTS.redis}`)) await killAndWait(pid);
    if (await portOpen(PORTS.redis)) throw new Error(`port ${PORTS.redis} is taken by another process`);
  }
}
