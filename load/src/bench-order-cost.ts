import { join } from 'node:path';
import { restock } from './bench-orders-fixtures';
import { startCalibrationProcess } from './calibration-process';
import { RAISED_WRITE_LIMIT, stackPlace } from './experiments/configurations';
import { REPO_ROOT, Stack } from './experiments/stack';
import { costRow, orderCostScenario, type WindowMeasure } from './order-cost/figures';
import { measured, type CostTarget } from './order-cost/measure';
import { LAB_SPACE } from './order-mix';
import { writeResults } from './results';
import { runScenario, type ScenarioResult } from './runner/run-scenario';

/*
 * What an order costs the whole machine (issue 16): a fixed arrival rate of POST /orders plus twice as many
 * report reads through the gateway of a stack started as `npm start` starts it (2 + 2 replicas, the projector,
 * nginx with its cache, tracing sampled at 10 %; only the write limit raised above the load), then the same
 * order rates on the calibration server (the bare per-order transaction, Express + mysql2). Per window: CPU ms
 * per order of every process group from /proc (the load generator apart), SQL statements per order, batch
 * sizes, order and read latencies, projection lag; an idle window first gives the floor of each group.
 *   npm run bench:order-cost -w load            (RATES=100,300 SECONDS=30 IDLE_S=10 EXPERIMENTS_PORT_BASE=2)
 * The stack runs on its own ports, folder, database, Redis prefix and queues (EXPERIMENTS_PORT_BASE); MariaDB,
 * RabbitMQ and Redis are the machine's, so whatever else runs on the machine shows in their figures.
 */
const settings = {
  rates: (process.env.RATES ?? '100,300').split(',').map(Number),
  seconds: Number(process.env.SECONDS ?? 30),
  idleSeconds: Number(process.env.IDLE_S ?? 10),
  portBase: process.env.EXPERIMENTS_PORT_BASE ?? '2',
  database: process.env.EXPERIMENTS_DATABASE ?? 'store_manager_order_cost',
  node: process.version,
};

const GROUPS = [
  'orders-write',
  'reports-read',
  'projector',
  'nginx',
  'trace-sink',
  'MariaDB',
  'RabbitMQ',
  'Redis',
  'calibration',
];

const idle = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/** One rate on one target: the scenario run between two readings; the figures of its window. */
async function window(target: CostTarget, name: string, url: string, rate: number): Promise<WindowMeasure> {
  const withReads = target.kind === 'stack';
  const run = await measured(target, () =>
    runScenario(orderCostScenario(rate, settings.seconds, withReads), {
      baseUrl: url,
      progress: { label: `${name} ${rate}/s` },
    }),
  );
  const result: ScenarioResult = run.result;
  const order = result.total.tasks['place-order']!;
  // The highest-spenders report stands for the reads (best sellers, the other half, costs the same path).
  const read = result.total.tasks['highest-spenders'];
  return {
    target: name,
    ordersPerSecond: rate,
    seconds: result.seconds,
    placed: order.requests - order.failed,
    cpuMs: run.cpuMs,
    orderLatency: order.latencyMs,
    ...(read ? { readLatency: read.latencyMs } : {}),
    ...(run.metrics ? { metrics: run.metrics } : {}),
  };
}

/** The idle floor of each group in ms of CPU per second (nothing sent). */
async function idleFloor(target: CostTarget): Promise<Record<string, number>> {
  const run = await measured(target, () => idle(settings.idleSeconds));
  return Object.fromEntries(
    Object.entries(run.cpuMs).map(([group, ms]) => [group, Math.round(ms / settings.idleSeconds)]),
  );
}

async function main(): Promise<void> {
  const stackDir = join(REPO_ROOT, `.run-order-cost-${settings.portBase}`);
  const place = stackPlace(stackDir, {
    ...process.env,
    EXPERIMENTS_PORT_BASE: settings.portBase,
    EXPERIMENTS_DATABASE: settings.database,
  });
  // As npm start: the default log level, and the stack built from the sources.
  const env = Object.fromEntries(
    Object.entries(place.env).filter(([name]) => name !== 'LOG_LEVEL' && name !== 'STACK_BUILD'),
  );
  // Service accounts of its own: the machine's store_* accounts are reset by any checkout whose ensure-users.sh
  // still keeps its passwords per checkout, and then every new connection of this stack is refused (seen: a
  // whole window of 503 "too busy", the group commit's pool opening its first connection after such a reset).
  const stack = new Stack({
    ...env,
    ...RAISED_WRITE_LIMIT,
    STACK_PROMETHEUS: 'no',
    STACK_ACCOUNT_PREFIX: process.env.STACK_ACCOUNT_PREFIX ?? 'store_cost_',
  });
  const windows: WindowMeasure[] = [];
  const floors: Record<string, Record<string, number>> = {};
  await stack.start();
  try {
    const ordersWriteUrls = [0, 1].map((i) => `http://127.0.0.1:${place.ordersWriteBasePort + i}`);
    const target: CostTarget = { kind: 'stack', stackDir, ordersWriteUrls, projectorUrl: place.projectorUrl };
    await restock(place.gatewayUrl, LAB_SPACE.productIds);
    floors.stack = await idleFloor(target);
    for (const rate of settings.rates) windows.push(await window(target, 'stack', place.gatewayUrl, rate));
  } finally {
    await stack.stop();
  }
  const calibration = await startCalibrationProcess(place.env.MYSQL_DATABASE!);
  try {
    const target: CostTarget = { kind: 'calibration', pid: calibration.pid };
    floors.calibration = await idleFloor(target);
    for (const rate of settings.rates)
      windows.push(await window(target, 'calibration', calibration.url, rate));
  } finally {
    await calibration.stop();
  }
  const groups = GROUPS.filter((group) => windows.some((w) => (w.cpuMs[group] ?? 0) > 0));
  const rows = windows.map((w) => costRow(w, groups));
  process.stdout.write(`idle floor, CPU ms/s per group: ${JSON.stringify(floors)}\n`);
  writeResults('order-cost', settings, rows, {
    floors,
    windows: windows.map((w) => ({ ...w, metrics: undefined })),
  });
}

process.once('SIGINT', () => void Stack.active?.stop().finally(() => process.exit(130)));
main().catch(async (error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  await Stack.active?.stop();
  process.exit(1);
});
