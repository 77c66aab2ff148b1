import { measureCeilings, type Ceiling } from './calibration/ceilings';
import { writeReport } from './bench-report';
import { ceilingRows, freshnessRows, scenarioRows } from './bench-table';
import { join } from 'node:path';
import { runLoad } from './k6/run-load';
import { loadScenario, scaleScenario, scaleSettingsFromEnv, scenarioNames } from './scenarios';

/*
 * One scenario against the running stack, with this machine's ceilings measured in the same run:
 *   npm run bench -- read-write        (or npm run bench -w load -- read-write)
 * BASE_URL (http://127.0.0.1:8080) is the stack's gateway; MYSQL_DATABASE (store_manager) its database, where the
 * order-transaction ceiling writes. DURATION_SCALE and LOAD_SCALE shorten or shrink the scenario (load/scenarios/
 * README.md); CALIBRATION_USERS (32), CALIBRATION_S (5) and CALIBRATION_UNLOADED_S (2) size the ceilings, which
 * CALIBRATION=off skips. Writes load/results/bench-<scenario>-<time>.json and .md. Where k6 is on the PATH it
 * generates the load (live charts on http://127.0.0.1:5665, exported to load/results/bench-<scenario>-<time>-k6-
 * dashboard.html); otherwise the project's runner does, with its progress line. K6_BIN=off forces the runner.
 */
async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name) throw new Error(`usage: npm run bench -- <scenario> (one of ${scenarioNames().join(', ')})`);
  const env = process.env;
  const scale = scaleSettingsFromEnv(env);
  const scenario = scaleScenario(loadScenario(name), scale);
  const baseUrl = env.BASE_URL ?? 'http://127.0.0.1:8080';
  const settings = {
    scenario: name,
    baseUrl,
    ...scale,
    database: env.MYSQL_DATABASE ?? 'store_manager',
    calibration: env.CALIBRATION !== 'off',
    ceilingUsers: Number(env.CALIBRATION_USERS ?? 32),
    ceilingSeconds: Number(env.CALIBRATION_S ?? 5) * scale.durationScale,
    ceilingUnloadedSeconds: Number(env.CALIBRATION_UNLOADED_S ?? 2) * scale.durationScale,
  };
  const ceilings: Ceiling[] = settings.calibration
    ? await measureCeilings({
        stackUrl: baseUrl,
        database: settings.database,
        users: settings.ceilingUsers,
        seconds: Math.max(1, settings.ceilingSeconds),
        unloadedSeconds: Math.max(1, settings.ceilingUnloadedSeconds),
        progress: true,
      })
    : [];
  const say = (text: string) => process.stderr.write(`[bench] ${text}\n`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const { result, generator, dashboard } = await runLoad(scenario, {
    baseUrl,
    outDir: join(__dirname, '../../results'),
    name: `bench-${name}-${stamp}`,
    say,
  });
  say(
    `measured by ${generator === 'k6' ? `k6 (dashboard report: ${dashboard ?? 'none: the run was shorter than one dashboard period'})` : 'the project’s runner (no k6 on the PATH)'}`,
  );
  const breaking = result.breakingPoint;
  writeReport(
    `bench-${name}`,
    settings,
    [
      { title: 'Ceilings of this machine', rows: ceilingRows(ceilings) },
      {
        title: `${name}: per step and task, with ratios to the ceilings`,
        rows: scenarioRows(scenario, result, ceilings),
      },
      { title: 'Freshness (order answered → visible in the report)', rows: freshnessRows(result) },
      {
        title: 'Verdict',
        rows: [
          {
            'measured by': generator,
            thresholds: result.thresholds.passed ? 'passed' : 'failed',
            'error rate': `${(result.total.errorRate * 100).toFixed(2)} %`,
            'p95 ms': result.total.latencyMs.p95.toFixed(1),
            'breaking point': breaking
              ? `step ${breaking.step + 1} (${breaking.users} users): ${breaking.reasons.join(', ')}`
              : 'none',
          },
        ],
      },
    ],
    { ceilings, result },
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
