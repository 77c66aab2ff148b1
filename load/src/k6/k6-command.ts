import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from '../experiments/stack';

/*
 * k6 as the load generator of npm run experiments and npm run bench, where it is on the PATH: the scenario the
 * caller already scaled goes to k6 as a file (load/k6/scenario-file.js opens it), so k6 and the project's runner
 * run the same steps. k6's web dashboard serves live charts while it runs (K6_WEB_DASHBOARD, port 5665) and
 * exports its HTML report into results/; the per-request CSV gives the report its per-second time series.
 */

export const DASHBOARD_PORT = 5665;

/** The k6 executable on the PATH, or undefined (K6_BIN names one explicitly; K6_BIN=off never uses k6). */
export function findK6(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.K6_BIN === 'off') return undefined;
  const candidates = env.K6_BIN
    ? [env.K6_BIN]
    : (env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'k6'));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface K6Run {
  k6: string;
  /** The scenario JSON as it is to be run (already scaled). */
  scenarioFile: string;
  baseUrl: string;
  /** Where the summary, the CSV and the dashboard report go; `name` starts each file's name. */
  outDir: string;
  name: string;
  dashboardPort?: number;
}

export interface K6Command {
  command: string;
  args: string[];
  env: Record<string, string>;
  summaryPath: string;
  csvPath: string;
  dashboardPath: string;
  dashboardUrl: string;
}

export function k6Command(run: K6Run): K6Command {
  const port = run.dashboardPort ?? DASHBOARD_PORT;
  const file = (suffix: string) => join(run.outDir, `${run.name}${suffix}`);
  const command = {
    summaryPath: file('-k6-summary.json'),
    csvPath: file('-k6.csv'),
    dashboardPath: file('-k6-dashboard.html'),
    dashboardUrl: `http://127.0.0.1:${port}`,
  };
  return {
    command: run.k6,
    args: ['run', '--quiet', '--out', `csv=${command.csvPath}`, join(REPO_ROOT, 'load/k6/scenario-file.js')],
    env: {
      SCENARIO_FILE: run.scenarioFile,
      BASE_URL: run.baseUrl,
      // The file is already scaled: k6 must not scale it again.
      DURATION_SCALE: '1',
      LOAD_SCALE: '1',
      SUMMARY_PATH: command.summaryPath,
      K6_CSV_TIME_FORMAT: 'unix_milli',
      K6_WEB_DASHBOARD: 'true',
      K6_WEB_DASHBOARD_HOST: '127.0.0.1',
      K6_WEB_DASHBOARD_PORT: String(port),
      K6_WEB_DASHBOARD_EXPORT: command.dashboardPath,
      // k6 writes the exported report only for a run that outlasts one aggregation period (10 s by default): a
      // short run (a scaled-down scenario) left no report at all. 2 s also gives the live charts more points.
      K6_WEB_DASHBOARD_PERIOD: '2s',
    },
    ...command,
  };
}

/**
 * Runs k6 with its output passed through (its progress and the dashboard's address). Exit code 99 is a threshold
 * that aborted the run: ramp-to-break stops at its breaking step that way, so it is a result, not a failure.
 */
export function runK6(command: K6Command, say: (text: string) => void): Promise<void> {
  say(`k6 measures this run; live charts: ${command.dashboardUrl} (report: ${command.dashboardPath})`);
  return new Promise((resolve, reject) => {
    const child = spawn(command.command, command.args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...command.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('close', (status) =>
      status === 0 || status === 99 ? resolve() : reject(new Error(`k6 exited with ${status}`)),
    );
  });
}
