import { spawn, execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST, PORTS, RABBITMQ_NODE, type StackPaths } from '../settings';
import { commandLine, killAndWait, pidAlive, portOpen, readPid, run, waitFor } from './processes';

/*
 * A RabbitMQ node of the chaos stack's own (chaos@localhost on 21672, distribution 21673), never the machine's
 * shared broker: a drill kills and restarts it. Its data, logs, config and plugin list are under
 * .run/chaos/rabbitmq; no plugins. The Debian wrapper runs the server as the rabbitmq user (when started as
 * root), so that folder is handed to that user; rabbitmqctl then shares the node's Erlang cookie.
 */
export class RabbitNode {
  private readonly dir: string;
  private readonly pidFile: string;

  constructor(private readonly paths: StackPaths) {
    this.dir = paths.rabbitmq;
    this.pidFile = join(this.dir, 'beam.pid');
  }

  /** The Erlang VM's pid (the wrapper's child), written by the node itself. */
  get pid(): number | undefined {
    return readPid(this.pidFile);
  }

  /** First start of a run: a fresh node (no queues, no messages from an earlier run). */
  async startFresh(): Promise<void> {
    await this.stopStale();
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(join(this.dir, 'mnesia'), { recursive: true });
    mkdirSync(join(this.dir, 'log'), { recursive: true });
    writeFileSync(join(this.dir, 'enabled_plugins'), '[].\n');
    writeFileSync(join(this.dir, 'rabbitmq.conf'), `listeners.tcp.local = ${HOST}:${PORTS.rabbitmq}\n`);
    writeFileSync(join(this.dir, 'rabbitmq-env.conf'), '');
    if (process.getuid?.() === 0) {
      try {
        execFileSync('chown', ['-R', 'rabbitmq:rabbitmq', this.dir]);
      } catch {
        // no rabbitmq user: the server runs as this user and owns the folder already
      }
    }
    await this.start();
  }

  /** Starts the node on its existing data (after a kill: persistent messages of durable queues come back). */
  async start(): Promise<void> {
    mkdirSync(this.paths.logs, { recursive: true });
    const log = openSync(join(this.paths.logs, 'rabbitmq.log'), 'a');
    const child = spawn('rabbitmq-server', [], {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: '/',
      env: {
        ...process.env,
        RABBITMQ_NODENAME: RABBITMQ_NODE,
        RABBITMQ_NODE_PORT: String(PORTS.rabbitmq),
        RABBITMQ_DIST_PORT: String(PORTS.rabbitmqDist),
        RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq.conf'),
        RABBITMQ_CONF_ENV_FILE: join(this.dir, 'rabbitmq-env.conf'),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
        RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
        RABBITMQ_LOG_BASE: join(this.dir, 'log'),
        RABBITMQ_PID_FILE: this.pidFile,
      },
    });
    closeSync(log);
    child.unref();
    const up = await waitFor(async () => ((await portOpen(PORTS.rabbitmq)) ? true : undefined), 120_000, 250);
    if (!up)
      throw new Error(
        `RabbitMQ node ${RABBITMQ_NODE} did not listen on ${PORTS.rabbitmq} (logs: ${this.dir}/log)`,
      );
    const ready = await this.ctl(['await_startup', '--timeout', '60'], 90_000);
    if (ready.status !== 0)
      throw new Error(`RabbitMQ node ${RABBITMQ_NODE} did not finish starting: ${ready.output}`);
  }

  /** kill -9 of the Erlang VM: the broker dies without a chance to close anything. */
  async kill(): Promise<void> {
    await killAndWait(this.pid, 'SIGKILL', 15_000);
    await waitFor(async () => ((await portOpen(PORTS.rabbitmq)) ? undefined : true), 10_000, 100);
  }

  async stop(): Promise<void> {
    const pid = this.pid;
    if (!pidAlive(pid)) return;
    const stopped = await this.ctl(['stop'], 30_000);
    if (stopped.status !== 0 || !(await killAndWait(pid, 'SIGTERM', 15_000)))
      await killAndWait(pid, 'SIGKILL');
  }

  ctl(args: string[], timeoutMs = 30_000) {
    return run('rabbitmqctl', ['-q', '-n', RABBITMQ_NODE, ...args], { timeoutMs });
  }

  /** A node left by an earlier run that died without its cleanup (only if the pid is still that node's VM). */
  private async stopStale(): Promise<void> {
    const pid = this.pid;
    if (pid && pidAlive(pid) && commandLine(pid).includes(RABBITMQ_NODE.split('@')[0]!))
      await killAndWait(pid);
    if (await portOpen(PORTS.rabbitmq)) throw new Error(`port ${PORTS.rabbitmq} is taken by another process`);
  }
}
