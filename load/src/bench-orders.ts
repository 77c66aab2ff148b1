import { cpus } from 'node:os';
import { createPool, type Pool } from 'mysql2/promise';
import { createFixtures, restock, type Fixtures } from './bench-orders-fixtures';
import { runMix, say, type Contender } from './bench-orders-run';
import { buildRows } from './bench-orders-table';
import { parseTargets } from './bench-orders-targets';
import { startCalibrationProcess } from './calibration-process';
import { LAB_SPACE, type MixSpace } from './order-mix';
import { clockTicksPerSecond } from './proc-cpu';
import { writeResults, type Row } from './results';

/*
 * POST /orders side by side in one run: each target stack (through its gateway) and the calibration server (bare
 * Express 5 + mysql2, the per-order transaction; started here as a child process on the first target's database),
 * for two mixes: `uniform` (1,000 products and 100 users created through the API) and `lab` (products 1–4, users
 * 1–3, restocked on every target). Targets alternate within each round, so drift on this shared machine hits all
 * alike; the ratios to the calibration server are the result.
 *   TARGETS=batching-on=http://127.0.0.1:8080,batching-off=http://127.0.0.1:28080 \
 *   MYSQL_DATABASE_BATCHING_ON=store_manager MYSQL_DATABASE_BATCHING_OFF=store_manager_off \
 *   STACK_DIR_BATCHING_ON=.run STACK_DIR_BATCHING_OFF=/tmp/stack-off npm run bench:orders -w load
 * Start each stack first with its own STACK_DIR, ports, MYSQL_DATABASE, REDIS_KEY_PREFIX, queues and exchange
 * (the e2e tier's or the README's second-stack recipe), a write rate above the load (GATEWAY_WRITE_RATE=100000r/s
 * GATEWAY_WRITE_BURST=100000) and STACK_PROMETHEUS=no; e.g. ORDER_BATCHING=off for the per-order stack.
 * Per target: MYSQL_DATABASE_<name> (default MYSQL_DATABASE for the first, else store_manager) is the database
 * whose outbox must drain after each round; STACK_DIR_<name> (its pids/*.pid) or STACK_PIDS_<name> (a comma
 * list) names the stack's processes for CPU per order: their utime+stime (and their children's: nginx workers)
 * plus MariaDB, Redis and RabbitMQ (shared: whatever else runs on the machine meanwhile is counted too), from the
 * start of a round until its outbox drained, over the orders answered 201. <name> may be upper-cased with '_'.
 * Settings: CONNECTIONS (64), ROUND_S (10), ROUNDS (2), UNLOADED_S (3), WARMUP_S (2), DRAIN_TIMEOUT_S (60),
 * MIXES (uniform,lab), PROGRESS_S (2).
 */
const env = process.env;
const settings = {
  targets: parseTargets(env),
  connections: Number(env.CONNECTIONS ?? 64),
  roundSeconds: Number(env.ROUND_S ?? 10),
  rounds: Number(env.ROUNDS ?? 2),
  unloadedSeconds: Number(env.UNLOADED_S ?? 3),
  warmupSeconds: Number(env.WARMUP_S ?? 2),
  drainTimeoutSeconds: Number(env.DRAIN_TIMEOUT_S ?? 60),
  mixes: (env.MIXES ?? 'uniform,lab').split(',').map((mix) => mix.trim()),
  progressSeconds: Number(env.PROGRESS_S ?? 2),
  uniform: { products: 1000, users: 100 },
  cpus: cpus().length,
  clockTicksPerSecond: clockTicksPerSecond(),
};
const CALIBRATION = 'calibration';

async function main(): Promise<void> {
  const [first] = settings.targets;
  if (!first) throw new Error('TARGETS names no target');
  const pools = new Map<string, Pool>();
  const poolFor = (database: string): Pool => {
    const existing = pools.get(database);
    if (existing) return existing;
    const pool = createPool({
      host: env.MYSQL_HOST ?? '127.0.0.1',
      port: Number(env.MYSQL_PORT ?? 3306),
      user: env.MYSQL_USER ?? 'root',
      password: env.MYSQL_PASSWORD ?? '',
      database,
      connectionLimit: 2,
    });
    pools.set(database, pool);
    return pool;
  };
  const calibration = await startCalibrationProcess(first.database);
  say(`calibration server ${calibration.url} (pid ${calibration.pid}) on database ${first.database}`);
  try {
    const contenders: Contender[] = [
      {
        name: CALIBRATION,
        url: calibration.url,
        database: first.database,
        rootPids: [calibration.pid],
        nodeMatch: 'calibration/main.js',
      },
      ...settings.targets.map((target) => ({
        ...target,
        nodeMatch: 'services/orders-write/',
        outbox: poolFor(target.database),
      })),
    ];
    const rows: Row[] = [];
    const details: Record<string, unknown> = {};
    for (const mix of settings.mixes) {
      const spaceOf = await prepareMix(mix, contenders);
      const runs = await runMix(settings, mix, contenders, spaceOf);
      details[mix] = runs;
      rows.push(...buildRows(mix, runs, CALIBRATION));
    }
    writeResults('orders', settings, rows, details);
  } finally {
    await calibration.stop();
    await Promise.all([...pools.values()].map((pool) => pool.end()));
  }
}

/** Creates what a mix orders (once per database: targets sharing one share the rows) and returns its space. */
async function prepareMix(mix: string, contenders: Contender[]): Promise<(c: Contender) => MixSpace> {
  if (mix === 'lab') {
    for (const contender of contenders.filter((c) => c.name !== CALIBRATION)) {
      await restock(contender.url, LAB_SPACE.productIds);
    }
    return () => LAB_SPACE;
  }
  if (mix !== 'uniform') throw new Error(`unknown mix ${mix} (uniform or lab)`);
  const fixtures = new Map<string, Fixtures>();
  for (const contender of contenders.filter((c) => c.name !== CALIBRATION)) {
    if (fixtures.has(contender.database)) continue;
    say(
      `creating ${settings.uniform.products} products and ${settings.uniform.users} users through ${contender.name}`,
    );
    fixtures.set(contender.database, await createFixtures(contender.url, settings.uniform));
  }
  return (contender) => {
    const { productIds, userIds } = fixtures.get(contender.database)!;
    return { productIds, userIds, maxLines: 3, maxQuantity: 5 };
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
