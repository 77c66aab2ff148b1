import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, type Scenario, scenarioNames, scenarioSeconds } from '../../load/src/scenarios';
import { GATEWAY, REPO_ROOT, WRITE_RATE_PER_SECOND } from './stack';

/*
 * Each k6 scenario script, unchanged, for a few seconds against this tier's gateway, scaled down with
 * DURATION_SCALE and LOAD_SCALE (load/scenarios/README.md) so its writes stay well under the gateway's write limit.
 * k6 is not a project dependency and is never installed by the project: without a k6 binary on the PATH these
 * tests are skipped, and say so in their names.
 */
const K6_FOUND = spawnSync('k6', ['version'], { encoding: 'utf8' }).status === 0;
const RUN_SECONDS = 8;
const QUICK_USERS = 3;
const QUICK_RATE = WRITE_RATE_PER_SECOND / 4;

function quickScale(scenario: Scenario): { durationScale: number; loadScale: number } {
  const peak =
    scenario.load.model === 'closed'
      ? Math.max(...scenario.load.steps.map((step) => step.users)) / QUICK_USERS
      : Math.max(...scenario.load.steps.map((step) => step.ratePerSecond)) / QUICK_RATE;
  return {
    durationScale: Math.min(1, RUN_SECONDS / scenarioSeconds(scenario)),
    loadScale: Math.min(1, 1 / peak),
  };
}

interface K6Report {
  scenario: string;
  thresholds: { ok: boolean; failed: string[] };
  totals: { requests: number; errorRate: number; p95: number };
  steps: { step: number; requests: number }[];
  breakingStep: unknown;
  freshness: { probes: number; visible: number } | null;
}

const run = K6_FOUND ? test : test.skip;
const title = (name: string) =>
  K6_FOUND
    ? `When load/k6/${name}.js runs for a few seconds against the gateway, then its summary shows checked requests`
    : `(skipped: no k6 binary on the PATH) load/k6/${name}.js against the gateway`;

describe('The k6 scenario scripts', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'k6-e2e-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const name of scenarioNames()) {
    run(
      title(name),
      () => {
        // Arrange
        const scenario = loadScenario(name);
        const scale = quickScale(scenario);
        const summaryPath = join(dir, `${name}.json`);

        // Act
        const k6 = spawnSync('k6', ['run', '--quiet', join(REPO_ROOT, 'load/k6', `${name}.js`)], {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          timeout: 240_000,
          env: {
            ...process.env,
            BASE_URL: GATEWAY,
            DURATION_SCALE: String(scale.durationScale),
            LOAD_SCALE: String(scale.loadScale),
            SUMMARY_PATH: summaryPath,
          },
        });

        // Assert
        if (k6.status !== 0) throw new Error(`k6 exited with ${k6.status}:\n${k6.stdout}${k6.stderr}`);
        const report = JSON.parse(readFileSync(summaryPath, 'utf8')) as K6Report;
        expect(report.scenario).toBe(name);
        expect(report.thresholds).toEqual({ ok: true, failed: [] });
        expect(report.totals.requests).toBeGreaterThan(0);
        expect(report.totals.errorRate).toBeLessThanOrEqual(scenario.thresholds.errorRate);
        expect(report.steps).toHaveLength(scenario.load.steps.length);
        expect(report.steps[0]!.requests).toBeGreaterThan(0);
        expect(report.breakingStep).toBeNull();
        if (name === 'freshness') expect(report.freshness!.visible).toBeGreaterThan(0);
        expect(k6.stdout).toContain(`scenario ${name} (${scenario.load.model})`);
      },
      300_000,
    );
  }
});
