import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '@store/service-kit/repo-root';

export const REPO_ROOT = repoRoot();

export interface ScriptResult {
  status: number | null;
  output: string;
}

/** Runs a repository script (bash) with extra environment; its output is kept for the error message. */
export function runScript(
  script: string,
  env: Record<string, string>,
  timeoutMs: number,
  args: string[] = [],
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(REPO_ROOT, script), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

/** Whether something already listens on the port (a stack left over by an interrupted run, or someone else's). */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** How many times a configuration's stack is started before its run is given up (the retry says why). */
const START_ATTEMPTS = 2;

/** The plain-process stack of one configuration: started by infra/local/start.sh, stopped by stop.sh. */
export class Stack {
  /** The stack started and not yet stopped, for the signal handler of main. */
  static active: Stack | undefined;
  private running = false;

  constructor(
    private readonly env: Record<string, string>,
    private readonly say: (text: string) => void = () => undefined,
  ) {}

  /**
   * Starts the stack; one that fails to start is stopped and started once more, with start.sh's reason printed,
   * so one bad start on a busy machine costs a retry and not the configuration's figures.
   */
  async start(): Promise<void> {
    const gatewayPort = Number(this.env.GATEWAY_PORT);
    if (await portInUse(gatewayPort)) {
      throw new Error(
        `port ${gatewayPort} is already in use: another experiments run, or a stack left over by an interrupted ` +
          `one (stop it with STACK_DIR=<its folder> and the same ports, or set EXPERIMENTS_PORT_BASE)`,
      );
    }
    for (let attempt = 1; ; attempt++) {
      this.running = true;
      Stack.active = this;
      const started = await runScript('infra/local/start.sh', this.env, 180_000);
      if (started.status === 0) return;
      await this.stop();
      const reason = `the stack did not start (${this.env.STACK_DIR}, attempt ${attempt} of ${START_ATTEMPTS}):\n${started.output.slice(-3000)}`;
      if (attempt >= START_ATTEMPTS) throw new Error(reason);
      this.say(`${reason}\nstarting it once more`);
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (Stack.active === this) Stack.active = undefined;
    const stopped = await runScript('infra/local/stop.sh', this.env, 60_000);
    if (stopped.status !== 0) process.stderr.write(`stop.sh failed:\n${stopped.output}\n`);
  }
}
