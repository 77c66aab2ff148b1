import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface CalibrationProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the calibration server as a child process: in the bench's own process it would share one thread with
 * the load generator (and slow down both), and its CPU could not be told apart from the generator's.
 */
export async function startCalibrationProcess(database: string): Promise<CalibrationProcess> {
  const child = spawn(process.execPath, [join(__dirname, 'calibration/main.js')], {
    env: { ...process.env, NODE_ENV: 'production', CALIBRATION_PORT: '0', MYSQL_DATABASE: database },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(() => {
    throw new Error('the calibration server exited during start');
  });
  exited.catch(() => undefined); // once started, its exit is stop()'s business
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  lines.close();
  const url = /listening on (\S+)/.exec(line)?.[1];
  if (!url || child.pid === undefined) throw new Error(`unexpected calibration server output: ${line}`);
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
