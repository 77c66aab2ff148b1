import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// By path, not '@store/testing': Jest loads global set-up (which imports this file) without its moduleNameMapper.
import { eventually as waitFor } from '../../packages/testing/src/eventually';

export { waitFor };

/**
 * The e2e tier's own plain-process stack: other ports, folder, database, Redis prefix and RabbitMQ names than a
 * developer's `npm start`, so both can run side by side. Three replicas each, so balancing can be observed.
 * EVENTS_EXCHANGE keeps this stack's events (relay and projector) off the shared `store.events`.
 */
export const REPO_ROOT = join(__dirname, '../..');
export const STACK_DIR = join(REPO_ROOT, '.run/e2e');
export const GATEWAY = 'http://127.0.0.1:18080';
export const PROMETHEUS = 'http://127.0.0.1:19090';
export const REPLICAS = 3;
export const REPORT_TTL_SECONDS = 2;
export const WRITE_RATE_PER_SECOND = 20;
export const WRITE_BURST = 20;

export const STACK_ENV: Record<string, string> = {
  STACK_DIR,
  GATEWAY_PORT: '18080',
  GATEWAY_STATUS_PORT: '18081',
  PROMETHEUS_PORT: '19090',
  ORDERS_WRITE_BASE_PORT: '15001',
  REPORTS_READ_BASE_PORT: '15101',
  PROJECTOR_PORT: '15201',
  TRACE_SINK_PORT: '14318',
  REPLICAS: String(REPLICAS),
  MYSQL_DATABASE: 'store_manager_e2e',
  REDIS_KEY_PREFIX: 'e2e:',
  EVENTS_EXCHANGE: 'store.events.e2e',
  PROJECTOR_QUEUE: 'projector.orders.e2e',
  DEAD_LETTER_QUEUE: 'projector.orders.e2e.dead-letter',
  REPORT_CACHE_TTL_SECONDS: String(REPORT_TTL_SECONDS),
  GATEWAY_CACHE: 'on',
  GATEWAY_WRITE_RATE: `${WRITE_RATE_PER_SECOND}r/s`,
  GATEWAY_WRITE_BURST: String(WRITE_BURST),
  STACK_RESET_DATA: 'yes',
  // The /docs page is tested in a real Chromium: install-tools adds Debian's when it can (as root).
  INSTALL_BROWSER: 'yes',
  LOG_LEVEL: 'info',
  // Spans reach the sink within a fraction of a second instead of the SDK's default 5 s batches.
  OTEL_BSP_SCHEDULE_DELAY: '200',
};

/** Runs one of the repository's scripts with the e2e stack's environment; output goes to the test log. */
export function runScript(
  script: string,
  extraEnv: Record<string, string> = {},
  timeoutMs = 300_000,
): { status: number | null; stdout: string; output: string } {
  const result = spawnSync('bash', [join(REPO_ROOT, script)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...STACK_ENV, ...extraEnv },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` };
}

/** Runs a command (not a repository script) and returns its exit status and output. */
export function runCommand(command: string, args: string[], timeoutMs = 60_000) {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutMs });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export const pidOf = (processName: string): number =>
  Number(readFileSync(join(STACK_DIR, 'pids', `${processName}.pid`), 'utf8').trim());

export const renderedNginxConfig = join(STACK_DIR, 'nginx/nginx.conf');
export const renderedPrometheusConfig = join(STACK_DIR, 'prometheus/prometheus.yml');

/**
 * One e2e stack per machine at a time: its ports and folder are fixed, and `npm test` of other engineers runs this
 * tier too. The lock is a directory (mkdir is atomic) holding the owner's pid; a dead owner's lock is taken over.
 */
const LOCK_DIR = join(REPO_ROOT, '.run/e2e.lock');
const LOCK_OWNER = join(LOCK_DIR, 'owner');

const ownerOfLock = (): number | undefined => {
  try {
    return Number(readFileSync(LOCK_OWNER, 'utf8'));
  } catch {
    return undefined;
  }
};

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function acquireStackLock(timeoutMs = 15 * 60_000): Promise<void> {
  mkdirSync(join(REPO_ROOT, '.run'), { recursive: true });
  await waitFor(
    `the e2e stack lock ${LOCK_DIR} (held by pid ${ownerOfLock() ?? '?'})`,
    () => {
      try {
        mkdirSync(LOCK_DIR);
        writeFileSync(LOCK_OWNER, String(process.pid));
        return Promise.resolve(true);
      } catch {
        const owner = ownerOfLock();
        // No owner file yet means another run is between mkdir and write: wait for it.
        if (owner !== undefined && owner !== process.pid && !isAlive(owner))
          rmSync(LOCK_DIR, { recursive: true });
        return Promise.resolve(owner === process.pid ? true : undefined);
      }
    },
    { timeoutMs, intervalMs: 1000 },
  );
}

export function releaseStackLock(): void {
  if (ownerOfLock() === process.pid) rmSync(LOCK_DIR, { recursive: true, force: true });
}
