import { measureCeilings, saturationScenario, type Ceiling, type CeilingName } from './calibration/ceilings';
import { writeReport } from './bench-report';
import { ceilingRows } from './bench-table';
import type { Row } from './results';
import type { Figures } from './runner/figures';
import { runScenario } from './runner/run-scenario';
import { round } from './stats';

/*
 * Cached report reads at saturation, as shares of this machine's ceilings measured in the same run with the same
 * runner and load: USERS users without think time for DURATION_S seconds (after UNLOADED_S with one user), against
 * nginx returning a fixed body, Express 5 + one Redis GET, then every target. TARGETS is a comma list of name=url;
 * run two stacks to compare the gateway cache on and off (the goals: cached through the gateway ≥ 50 % of
 * the nginx ceiling, gateway cache off ≥ 60 % of the Express + Redis ceiling, p99 < 10 ms):
 *   npm run bench:report-reads -w load                       (the stack on :8080)
 *   TARGETS=cache-on=http://127.0.0.1:8080,cache-off=http://127.0.0.1:7080 npm run bench:report-reads -w load
 * Writes load/results/report-reads-<time>.json and .md.
 */
const env = process.env;
const settings = {
  targets: (env.TARGETS ?? 'gateway=http://127.0.0.1:8080').split(',').map((entry) => {
    const [name, url] = entry.split('=');
    if (!name || !url) throw new Error(`TARGETS entry "${entry}" is not name=url`);
    return { name, url };
  }),
  path: env.REPORT_PATH ?? '/orders/reports/highest-spenders?limit=10',
  users: Number(env.USERS ?? 32),
  seconds: Number(env.DURATION_S ?? 10),
  unloadedSeconds: Number(env.UNLOADED_S ?? 2),
};
const GOAL_P99_MS = 10;
const COMPARED: CeilingName[] = ['nginx-fixed-body', 'express-redis'];

const ms = (value: number) => round(value, 2);
const share = (figures: Figures, ceiling: Ceiling | undefined) =>
  ceiling ? `${round((100 * figures.rps) / ceiling.loaded.rps, 1)} %` : '-';

async function main(): Promise<void> {
  const ceilings = await measureCeilings(
    { stackUrl: '', database: '', ...settings, progress: true },
    COMPARED,
  );
  const [nginx, express] = COMPARED.map((name) => ceilings.find((ceiling) => ceiling.name === name));
  const rows: Row[] = [];
  const details: Record<string, unknown> = { ceilings };
  for (const target of settings.targets) {
    await fetch(`${target.url}${settings.path}`).then((response) => response.text()); // fills the caches
    const task = {
      name: 'report',
      weight: 1,
      method: 'GET',
      path: settings.path,
      expect: { status: 200, body: 'array' },
    };
    const result = await runScenario(saturationScenario(`report-reads-${target.name}`, task, settings), {
      baseUrl: target.url,
      progress: { label: target.name },
    });
    const unloaded = result.steps[0]!;
    const loaded = result.steps[1]!;
    details[target.name] = result;
    rows.push({
      target: target.name,
      users: settings.users,
      rps: round(loaded.rps, 0),
      'p50 ms': ms(loaded.latencyMs.p50),
      'p95 ms': ms(loaded.latencyMs.p95),
      'p99 ms': ms(loaded.latencyMs.p99),
      [`p99 < ${GOAL_P99_MS} ms`]: loaded.latencyMs.p99 < GOAL_P99_MS ? 'yes' : 'no',
      'unloaded p50 ms': ms(unloaded.latencyMs.p50),
      errors: `${round(loaded.errorRate * 100, 2)} %`,
      'of nginx fixed body': share(loaded, nginx),
      'of Express + Redis': share(loaded, express),
    });
  }
  writeReport(
    'report-reads',
    settings,
    [
      { title: 'Ceilings of this machine (same runner, same load)', rows: ceilingRows(ceilings) },
      { title: `GET ${settings.path} at ${settings.users} users without think time`, rows },
    ],
    details,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
