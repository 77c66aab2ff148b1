import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_URL, HOST, serviceInstances, type ServiceInstance, type StackPaths } from '../settings';
import { pidAlive, readPid, run, sleep, waitFor } from './processes';

/*
 * The chaos stack's services, through the repository's own scripts (infra/local/start.sh, stop.sh) with the
 * chaos environment: the same start, supervision, pid files and logs as `npm start`.
 */
export class LocalStack {
  constructor(
    private readonly paths: StackPaths,
    private readonly env: Record<string, string>,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    const result = await this.script('start.sh', 20 * 60_000);
    if (result.status !== 0) throw new Error(`infra/local/start.sh failed (exit ${result.status})`);
  }

  async stop(): Promise<void> {
    await this.script('stop.sh', 120_000);
  }

  pidOf(name: string): number | undefined {
    return readPid(join(this.paths.pids, `${name}.pid`));
  }

  /** Whether infra/local supervises the process (restarts it with back-off when it dies). */
  supervised(name: string): boolean {
    return pidAlive(readPid(join(this.paths.supervisor, `${name}.pid`)));
  }

  async ready(instance: ServiceInstance): Promise<boolean> {
    return (await httpStatus(`http://${HOST}:${instance.port}/health/ready`)) === 200;
  }

  /** Every service ready and the gateway answering: the stack as a whole is healthy. */
  async healthy(): Promise<boolean> {
    const checks = await Promise.all([
      ...serviceInstances().map((instance) => this.ready(instance)),
      httpStatus(`${GATEWAY_URL}/health-check`).then((status) => status === 200),
    ]);
    return checks.every(Boolean);
  }

  /**
   * After `name` was killed: waits (bounded) for a new process under the pid file and for it to be ready.
   * Returns the new pid, or undefined when none came in time.
   */
  async awaitRestart(
    instance: ServiceInstance,
    killedPid: number,
    timeoutMs: number,
  ): Promise<number | undefined> {
    if (!this.supervised(instance.name)) await this.restartUnsupervised(instance);
    return waitFor(
      async () => {
        const pid = this.pidOf(instance.name);
        return pid !== killedPid && pidAlive(pid) && (await this.ready(instance)) ? pid : undefined;
      },
      timeoutMs,
      250,
    );
  }

  /**
   * TO BE REMOVED once every stack runs under infra/local's supervision (supervise.sh): starts a killed service
   * the way start.sh does, for a stack started without a supervisor for it.
   */
  private async restartUnsupervised(instance: ServiceInstance): Promise<void> {
    this.log(`${instance.name} has no supervisor: the chaos tool starts it again itself`);
    await sleep(500);
    const service = instance.name.replace(/-\d+$/, '');
    const log = openSync(join(this.paths.logs, `${instance.name}.log`), 'a');
    const child = spawn(
      'node',
      ['--require', '@store/observability/register', `services/${service}/dist/src/main.js`],
      {
        cwd: this.paths.root,
        detached: true,
        stdio: ['ignore', log, log],
        env: {
          ...process.env,
          ...this.env,
          NODE_ENV: 'production',
          HOST,
          PORT: String(instance.port),
          MIGRATE_ON_START: 'false',
        },
      },
    );
    closeSync(log);
    child.unref();
    writeFileSync(join(this.paths.pids, `${instance.name}.pid`), String(child.pid));
  }

  private script(name: string, timeoutMs: number) {
    return run('bash', [join(this.paths.root, 'infra/local', name)], {
      cwd: this.paths.root,
      env: { ...process.env, ...this.env },
      timeoutMs,
      onLine: (line) => line.trim() && this.log(`  ${line}`),
    });
  }
}

export async function httpStatus(url: string, timeoutMs = 2000): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
