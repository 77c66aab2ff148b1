import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './stack';

/*
 * `npm run chaos -- --quick` end to end, as CI runs it: the reduced drill set (each fault once, short load) on the
 * chaos tool's own stack (ports 21xxx, its own Redis, RabbitMQ node and MySQL proxy; not this tier's stack), then
 * what it wrote. Every drill must pass: nothing lost, nothing duplicated, no drift, a recovery.
 */
const RUN_TIMEOUT_MS = 12 * 60_000;
const DRILLS = [
  'orders-write-crash-after-commit',
  'orders-write-crash-mid-batch',
  'projector-kill-mid-batch',
  'duplicate-and-poison-messages',
  'mysql-outage',
  'rabbitmq-restart',
  'redis-loss',
];

interface Finding {
  detail: string;
}

interface DrillResult {
  id: string;
  passed: boolean;
  failures: string[];
  recoverySeconds: number | null;
  conservation: {
    lost: Finding[];
    duplicated: Finding[];
    drift: Finding[];
    counted: { acknowledged: number; inMysql: number; events: number; applied: number };
  };
}

interface Results {
  profile: string;
  passed: boolean;
  drills: DrillResult[];
}

const out = join(REPO_ROOT, 'results', `chaos-e2e-${new Date().toISOString().replace(/[:.]/g, '-')}`);
let results: Results;
let run: ReturnType<typeof spawnSync>;

beforeAll(() => {
  run = spawnSync('npm', ['run', 'chaos', '--', '--quick', '--out', out], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  const file = join(out, 'results.json');
  if (!existsSync(file))
    throw new Error(
      `npm run chaos -- --quick wrote no results (${run.status}):\n${String(run.stdout)}\n${String(run.stderr)}`,
    );
  results = JSON.parse(readFileSync(file, 'utf8')) as Results;
}, RUN_TIMEOUT_MS + 60_000);

describe('npm run chaos -- --quick', () => {
  it('When every fault has been injected once under load, then every drill passed: 0 lost, 0 duplicated, 0 drift, recovered', () => {
    const verdicts = results.drills.map((drill) => ({
      id: drill.id,
      failures: drill.failures,
      lost: drill.conservation.lost.map((f) => f.detail).slice(0, 5),
      duplicated: drill.conservation.duplicated.map((f) => f.detail).slice(0, 5),
      drift: drill.conservation.drift.map((f) => f.detail).slice(0, 5),
    }));
    expect(verdicts).toEqual(DRILLS.map((id) => ({ id, failures: [], lost: [], duplicated: [], drift: [] })));
    expect(results.profile).toBe('quick');
    expect(results.passed).toBe(true);
    expect(run.status).toBe(0);
  });

  it('When the drills ran, then the checker had real orders to check and each drill measured its recovery', () => {
    for (const drill of results.drills) {
      expect(drill.recoverySeconds).toBeGreaterThan(0);
      const { counted } = drill.conservation;
      expect(counted.acknowledged).toBeGreaterThan(0);
      expect(counted.events).toBeGreaterThanOrEqual(counted.inMysql);
      expect(counted.applied).toBe(counted.events);
    }
  });

  it('When the run is over, then results.md holds the table and the terminal got it too', () => {
    const report = readFileSync(join(out, 'results.md'), 'utf8');
    expect(report).toContain('# Chaos drills — all passed');
    expect(report).toContain('| drill | requests | failed | failed in fault window | lost | duplicated |');
    for (const id of DRILLS) expect(report).toContain(`## ${id} — PASS`);
    expect(String(run.stdout)).toContain('every drill passed');
  });
});
