import type { Pool } from 'mysql2/promise';
import type { RoundSample, TargetRuns } from './bench-orders-table';
import { runBenchLoad, type BenchLoad } from './bench-load';
import { waitForOutboxDrained } from './bench-orders-fixtures';
import { accountFor } from './bench-orders-targets';
import { randomOrder, type MixSpace } from './order-mix';
import { cpuMs, readProcSnapshot } from './proc-cpu';
import { round } from './stats';

export interface RunSettings {
  connections: number;
  roundSeconds: number;
  rounds: number;
  unloadedSeconds: number;
  warmupSeconds: number;
  drainTimeoutSeconds: number;
  progressSeconds: number;
  clockTicksPerSecond: number;
}

export interface Contender {
  name: string;
  url: string;
  database: string;
  rootPids?: number[];
  /** What tells its Node process(es) apart by command line. */
  nodeMatch: string;
  /** Its database, when it has an outbox to watch. */
  outbox?: Pool;
}

export const say = (line: string) => process.stdout.write(`${line}\n`);

/** POST /orders with the mix's random orders; a 201 is an order. */
const orderLoad = (contender: Contender, space: MixSpace): Pick<BenchLoad, 'url' | 'task' | 'body'> => ({
  url: contender.url,
  task: { method: 'POST', path: '/orders', expect: { status: 201, body: { field: 'order_id' } } },
  body: () => randomOrder(space, Math.random),
});

/**
 * One loaded round: CPU is read from /proc before the load and after the outbox drained, so the relay's and the
 * projector's share of the orders is in it.
 */
async function measureRound(
  settings: RunSettings,
  contender: Contender,
  space: MixSpace,
  label: string,
): Promise<RoundSample> {
  const before = readProcSnapshot();
  const account = contender.rootPids && accountFor(before, contender.rootPids, contender.nodeMatch);
  const result = await runBenchLoad({
    ...orderLoad(contender, space),
    users: settings.connections,
    seconds: settings.roundSeconds,
    progress: { stream: process.stdout, everyMs: settings.progressSeconds * 1000, label: `  ${label}` },
  });
  const drain =
    contender.outbox && (await waitForOutboxDrained(contender.outbox, settings.drainTimeoutSeconds * 1000));
  const after = readProcSnapshot();
  const orders = result.statuses['201'] ?? 0;
  const hz = settings.clockTicksPerSecond;
  const sample: RoundSample = {
    ordersPerSecond: orders / result.elapsedSeconds,
    p50: result.latencyMs.p50,
    p95: result.latencyMs.p95,
    statuses: result.statuses,
    errors: result.errors,
    orders,
    stackCpuMs: account && cpuMs(before, after, account.stack, hz),
    nodeCpuMs: account?.node.size ? cpuMs(before, after, account.node, hz) : undefined,
    drainSeconds: drain?.seconds,
    drained: drain?.drained,
  };
  say(
    `${label}: ${round(sample.ordersPerSecond, 0)} orders/s, p50 ${round(sample.p50, 2)} ms, p95 ${round(sample.p95, 2)} ms, ` +
      `statuses ${JSON.stringify(result.statuses)}${result.errors ? `, ${result.errors} errors` : ''}` +
      (drain ? `, outbox ${drain.drained ? `drained in ${round(drain.seconds, 2)} s` : 'NOT drained'}` : ''),
  );
  return sample;
}

/**
 * One mix: per contender a warm-up (JIT, pools, caches; not recorded) and the one-client unloaded latency, then
 * ROUNDS rounds in which the contenders take turns, so drift on this shared machine hits all alike.
 */
export async function runMix(
  settings: RunSettings,
  mix: string,
  contenders: Contender[],
  spaceOf: (c: Contender) => MixSpace,
): Promise<Record<string, TargetRuns>> {
  const runs: Record<string, TargetRuns> = {};
  for (const contender of contenders) {
    const space = spaceOf(contender);
    if (settings.warmupSeconds > 0) {
      await runBenchLoad({
        ...orderLoad(contender, space),
        users: settings.connections,
        seconds: settings.warmupSeconds,
      });
      if (contender.outbox) await waitForOutboxDrained(contender.outbox, settings.drainTimeoutSeconds * 1000);
    }
    const unloaded = await runBenchLoad({
      ...orderLoad(contender, space),
      users: 1,
      seconds: settings.unloadedSeconds,
    });
    runs[contender.name] = { unloadedP50: unloaded.latencyMs.p50, rounds: [] };
    say(
      `${mix} ${contender.name}: unloaded p50 ${round(unloaded.latencyMs.p50, 2)} ms (${unloaded.requests} requests)`,
    );
  }
  for (let roundNumber = 1; roundNumber <= settings.rounds; roundNumber++) {
    for (const contender of contenders) {
      const label = `round ${roundNumber} ${mix} ${contender.name}`;
      runs[contender.name]!.rounds.push(await measureRound(settings, contender, spaceOf(contender), label));
    }
  }
  return runs;
}
