import { runBenchLoad, type BenchLoad } from './bench-load';
import { writeResults, type Row } from './results';
import { median, round } from './stats';

/*
 * What tracing costs: the same load on stacks that differ only in tracing, in alternating rounds (off, on, off,
 * on, …) so that drift on this shared machine hits all alike; each result is a ratio to the first target.
 *   TARGETS=off=http://127.0.0.1:28080,sampled=http://127.0.0.1:38080 npm run bench:tracing-cost -w load
 * Start the stacks first (see the README: one with OTEL_SDK_DISABLED=true, the others exporting to their trace
 * sinks), all with GATEWAY_CACHE=off (a gateway cache hit never reaches a service, so it costs no tracing) and a
 * write rate limit above the load (GATEWAY_WRITE_RATE=100000r/s).
 */
const settings = {
  targets: (process.env.TARGETS ?? 'off=http://127.0.0.1:28080,sampled=http://127.0.0.1:38080')
    .split(',')
    .map((entry) => entry.split('=') as [string, string]),
  rounds: Number(process.env.ROUNDS ?? 3),
  roundSeconds: Number(process.env.ROUND_S ?? 8),
  connections: Number(process.env.CONNECTIONS ?? 16),
};

const PRODUCTS = [1, 2, 4];
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)] as T;

const workloads: Record<string, Pick<BenchLoad, 'task' | 'body'>> = {
  'POST /orders': {
    task: { method: 'POST', path: '/orders', expect: { status: 201, body: { field: 'order_id' } } },
    body: () => ({ user_id: pick([1, 2, 3]), items: [{ product_id: pick(PRODUCTS), quantity: 1 }] }),
  },
  'GET highest-spenders (service cache)': {
    task: { method: 'GET', path: '/orders/reports/highest-spenders', expect: { status: 200, body: 'array' } },
  },
};

/** Enough stock that no order is refused during the run. */
async function restock(url: string): Promise<void> {
  for (const productId of PRODUCTS) {
    const response = await fetch(`${url}/stocks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ product_id: productId, quantity: 10_000_000 }),
    });
    if (response.status !== 201) throw new Error(`restock on ${url} answered ${response.status}`);
  }
}

async function main(): Promise<void> {
  const targets = Object.fromEntries(settings.targets);
  const [baseline = 'off'] = Object.keys(targets);
  for (const url of Object.values(targets)) await restock(url);
  const perSecond: Record<string, Record<string, number[]>> = {};
  const p50: Record<string, Record<string, number[]>> = {};
  for (let round = 1; round <= settings.rounds; round++) {
    for (const [workload, options] of Object.entries(workloads)) {
      for (const [tracing, url] of Object.entries(targets)) {
        const result = await runBenchLoad({
          ...options,
          url,
          users: settings.connections,
          seconds: settings.roundSeconds,
        });
        const ok = result.requests - result.errors - (result.statuses['429'] ?? 0);
        ((perSecond[workload] ??= {})[tracing] ??= []).push(result.perSecond);
        ((p50[workload] ??= {})[tracing] ??= []).push(result.latencyMs.p50);
        process.stdout.write(
          `round ${round} ${workload} tracing ${tracing}: ${round2(result.perSecond)} req/s, ` +
            `p50 ${round2(result.latencyMs.p50)} ms, ${ok}/${result.requests} ok, statuses ${JSON.stringify(result.statuses)}\n`,
        );
      }
    }
  }
  const rows: Row[] = Object.keys(workloads).flatMap((workload) => {
    const base = median(perSecond[workload]?.[baseline] ?? []);
    return Object.keys(targets).map((tracing) => {
      const rate = median(perSecond[workload]?.[tracing] ?? []);
      return {
        workload,
        tracing,
        'req/s (median)': round(rate, 0),
        [`ratio to ${baseline}`]: round(rate / base, 3),
        'cost %': round((1 - rate / base) * 100, 1),
        'p50 ms': round(median(p50[workload]?.[tracing] ?? []), 2),
      };
    });
  });
  writeResults('tracing-cost', settings, rows, { perSecond, p50 });
}

const round2 = (value: number) => round(value, 2);

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
