import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a calibration server (a Node script of this folder) as a child process: in the bench's own process it
 * would share one thread with the load generator (and slow down both), and its CPU could not be told apart from
 * the generator's. The script's first output line is "… listening on <url>".
 */
export async function startChildServer(script: string, env: NodeJS.ProcessEnv): Promise<ChildServer> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, NODE_ENV: 'production', CALIBRATION_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(() => {
    throw new Error(`${script} exited during start`);
  });
  exited.catch(() => undefined); // once started, its exit is stop()'s business
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  lines.close();
  const url = /listening on (\S+)/.exec(line)?.[1];
  if (!url || child.pid === undefined) throw new Error(`unexpected output of ${script}: ${line}`);
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      await done;
    },
  };
}
