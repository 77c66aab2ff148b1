import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpClient } from '@store/testing';
import { GATEWAY, isAlive, pidOf, REPO_ROOT, runScript, STACK_DIR, STACK_ENV, waitFor } from './stack';

/*
 * The plain-process stack's restart policy (infra/local/supervise.sh): a service process that dies is started
 * again, with a back-off, and the supervisor says so in the logs and in `npm run status`; `npm stop` stops the
 * supervisors first, so nothing is restarted while the stack stops.
 * The back-off and the stop are checked on a supervisor of a small crashing program in a folder of its own (short
 * delays, no ports); the restart of a real service on the e2e stack.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const readOr = (file: string, otherwise = ''): string =>
  existsSync(file) ? readFileSync(file, 'utf8') : otherwise;

describe('Supervision of a crashing program', () => {
  let dir: string;
  let supervisor: ChildProcess | undefined;
  const env = () => ({ ...process.env, STACK_DIR: dir });
  const log = () => readOr(join(dir, 'logs/supervisor.log'));
  const exits = () =>
    log()
      .split('\n')
      .filter((line) => line.includes(' exited ('));
  /** A program that exits with code 3 after `ms`; the marker tells its processes apart from any other. */
  const supervise = (ms: number, settings: Record<string, string>) => {
    const marker = randomUUID();
    supervisor = spawn(
      'bash',
      [
        join(REPO_ROOT, 'infra/local/supervise.sh'),
        'crasher',
        '--',
        'node',
        '-e',
        `setTimeout(() => process.exit(3), ${ms}) // ${marker}`,
      ],
      { cwd: REPO_ROOT, env: { ...env(), ...settings }, stdio: 'ignore' },
    );
    return marker;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'supervise-'));
  });

  afterEach(() => {
    runScript('infra/local/stop.sh', { STACK_DIR: dir });
    supervisor?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('When the program keeps crashing, then each restart waits twice as long as the last, up to the cap', async () => {
    // Arrange
    const settings = { SUPERVISE_BACKOFF_INITIAL_MS: '200', SUPERVISE_BACKOFF_MAX_MS: '800' };

    // Act
    supervise(50, settings);
    await waitFor('four exits', () => Promise.resolve(exits().length >= 4 || undefined), {
      timeoutMs: 30_000,
    });

    // Assert
    const seen = exits()
      .slice(0, 4)
      .map((line) => line.replace(/^\[supervisor\] \S+ /, '').replace(/ after [\d.]+s;/, ';'));
    expect(seen).toEqual([
      'crasher exited (code 3); restart #1 in 0.2s',
      'crasher exited (code 3); restart #2 in 0.4s',
      'crasher exited (code 3); restart #3 in 0.8s',
      'crasher exited (code 3); restart #4 in 0.8s',
    ]);
    expect(readOr(join(dir, 'logs/crasher.log'))).toContain('crasher exited (code 3)');
    const state = readOr(join(dir, 'supervisor/crasher.state'));
    expect(state).toMatch(/^restarts=[4-9]\d*$/m);
    expect(state).toContain('last_exit=code 3');
  });

  test('When the program stayed up longer than the reset time, then its restart waits the first delay again', async () => {
    // Arrange
    const settings = {
      SUPERVISE_BACKOFF_INITIAL_MS: '200',
      SUPERVISE_BACKOFF_MAX_MS: '3200',
      SUPERVISE_RESET_AFTER_SECONDS: '1',
    };

    // Act
    supervise(1200, settings);
    await waitFor('three exits', () => Promise.resolve(exits().length >= 3 || undefined), {
      timeoutMs: 30_000,
    });

    // Assert
    expect(exits().map((line) => line.replace(/.* restart #\d+ /, ''))).toEqual([
      'in 0.2s',
      'in 0.2s',
      'in 0.2s',
    ]);
  });

  test('When the stack is stopped while its program crashes, then nothing is started again', async () => {
    // Arrange
    const marker = supervise(50, { SUPERVISE_BACKOFF_INITIAL_MS: '100', SUPERVISE_BACKOFF_MAX_MS: '100' });
    await waitFor('two exits', () => Promise.resolve(exits().length >= 2 || undefined), {
      timeoutMs: 30_000,
    });
    const supervisorPid = Number(readOr(join(dir, 'supervisor/crasher.pid')));

    // Act
    const stopped = runScript('infra/local/stop.sh', { STACK_DIR: dir });
    const exitsAtStop = exits().length;
    await sleep(1500); // many times the back-off: a supervisor still at work would have started it again

    // Assert
    expect(stopped.status).toBe(0);
    expect(stopped.output).toContain('stopping the supervisor of crasher');
    expect(isAlive(supervisorPid)).toBe(false);
    expect(exits()).toHaveLength(exitsAtStop);
    expect(existsSync(join(dir, 'pids/crasher.pid'))).toBe(false);
    expect(spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' }).stdout).toBe('');
  });

  test('When its pid file is gone, then the supervisor starts nothing more and exits', async () => {
    // Arrange: a folder removed under a running stack, or a newer stack's supervisor in its place
    supervise(300, { SUPERVISE_BACKOFF_INITIAL_MS: '100' });
    await waitFor('a first exit', () => Promise.resolve(exits().length >= 1 || undefined), {
      timeoutMs: 30_000,
    });
    const supervisorPid = Number(readOr(join(dir, 'supervisor/crasher.pid')));

    // Act
    rmSync(join(dir, 'supervisor'), { recursive: true });

    // Assert
    await waitFor('the supervisor to exit', () => Promise.resolve(!isAlive(supervisorPid) || undefined), {
      timeoutMs: 10_000,
    });
    expect(log()).toContain('crasher not started again: ');
  });
});

describe('Supervision of the e2e stack', () => {
  test('When a service process is killed with SIGKILL, then its supervisor starts a new one and says so', async () => {
    // Arrange
    const name = 'reports-read-2';
    const port = Number(STACK_ENV.REPORTS_READ_BASE_PORT) + 1;
    const victim = pidOf(name);

    // Act
    process.kill(victim, 'SIGKILL');
    const replacement = await waitFor(
      `a new ${name} that answers /health/ready`,
      async () => {
        const pid = pidOf(name);
        if (pid === victim || !isAlive(pid)) return undefined;
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
        return ready?.status === 200 ? pid : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );

    // Assert
    expect(isAlive(victim)).toBe(false);
    expect(readFileSync(join(STACK_DIR, 'logs/supervisor.log'), 'utf8')).toMatch(
      new RegExp(`${name} exited \\(signal KILL\\) after [\\d.]+s; restart #\\d+ in [\\d.]+s`),
    );
    const status = runScript('infra/local/status.sh');
    const row = status.stdout.split('\n').find((line) => line.startsWith(`${name} `));
    // … on the project's Node (24 or newer), which the status table shows per process
    expect(row).toMatch(
      new RegExp(
        `^${name} +${replacement} +yes +yes +v(2[4-9]|[3-9]\\d)\\.\\d+\\.\\d+ +running +[1-9]\\d* +signal KILL `,
      ),
    );
    // Back in the gateway once nginx tries it again (fail_timeout 5 s): later tests see every replica.
    const gateway = httpClient(GATEWAY);
    await waitFor(
      `the gateway to route to ${name} again`,
      async () => {
        const answer = await gateway.get(`/orders/reports/best-sellers?limit=1&supervision=${randomUUID()}`);
        return answer.headers.get('x-upstream')?.endsWith(`:${port}`) || undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  });
});
