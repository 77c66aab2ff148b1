import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, scaleScenario } from '../scenarios';
import { findK6, k6Command } from './k6-command';
import { csvFields, k6ScenarioResult, type K6Summary } from './k6-result';

const HEADER =
  'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata';
const row = (metric: string, at: number, value: number, name: string, extra: string) =>
  `${metric},${at},${value},,,,true,,GET,${name},HTTP/1.1,default,,200,,,http://gw/x,${extra},`;

describe('k6 as the load generator', () => {
  test('When k6 is on the PATH, then it is found there; K6_BIN=off never uses it', () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'k6-path-'));
    writeFileSync(join(dir, 'k6'), '#!/bin/sh\n');
    chmodSync(join(dir, 'k6'), 0o755);

    // Act / Assert
    expect(findK6({ PATH: `/nonexistent:${dir}` })).toBe(join(dir, 'k6'));
    expect(findK6({ PATH: '/nonexistent' })).toBeUndefined();
    expect(findK6({ PATH: dir, K6_BIN: 'off' })).toBeUndefined();
  });

  test('When a run is built, then k6 serves its dashboard, exports it, writes its CSV and summary into the folder, and does not scale again', () => {
    const command = k6Command({
      k6: '/usr/bin/k6',
      scenarioFile: '/tmp/out/C1-ramp.json',
      baseUrl: 'http://127.0.0.1:28080',
      outDir: '/tmp/out',
      name: 'C1-ramp',
    });

    expect(command.command).toBe('/usr/bin/k6');
    expect(command.args.slice(0, 4)).toEqual(['run', '--quiet', '--out', 'csv=/tmp/out/C1-ramp-k6.csv']);
    expect(command.args.at(-1)).toMatch(/load\/k6\/scenario-file\.js$/);
    expect(command.env).toMatchObject({
      SCENARIO_FILE: '/tmp/out/C1-ramp.json',
      BASE_URL: 'http://127.0.0.1:28080',
      DURATION_SCALE: '1',
      LOAD_SCALE: '1',
      SUMMARY_PATH: '/tmp/out/C1-ramp-k6-summary.json',
      K6_CSV_TIME_FORMAT: 'unix_milli',
      K6_WEB_DASHBOARD: 'true',
      K6_WEB_DASHBOARD_PORT: '5665',
      K6_WEB_DASHBOARD_EXPORT: '/tmp/out/C1-ramp-k6-dashboard.html',
      K6_WEB_DASHBOARD_PERIOD: '2s',
    });
    expect(command.dashboardUrl).toBe('http://127.0.0.1:5665');
  });

  test('When a CSV field is quoted, then its commas and doubled quotes stay in it', () => {
    expect(csvFields('a,"b,c","say ""hi""",')).toEqual(['a', 'b,c', 'say "hi"', '']);
  });

  test('When k6 ran a ramp that broke in step 2, then its CSV and summary read as the runner’s result', () => {
    // Arrange: step 1 at t = 0–1.9 s, 2 requests ok; step 2 at t = 2–3 s, 1 of 2 failed; set-up requests ignored.
    const scenario = scaleScenario(loadScenario('ramp-to-break'), { durationScale: 1 / 30, loadScale: 0.1 });
    const t0 = 1_700_000_000_000;
    const csv = [
      HEADER,
      row('http_req_duration', t0 - 500, 99, '', 'phase=setup'),
      row('vus', t0, 5, '', ''),
      row('http_req_duration', t0 + 100, 10, 'best-sellers', 'phase=run&step=1'),
      row('errors', t0 + 100, 0, 'best-sellers', 'phase=run&step=1'),
      row('http_req_duration', t0 + 1900, 30, 'place-order', 'phase=run&step=1'),
      row('errors', t0 + 1900, 0, 'place-order', 'phase=run&step=1'),
      row('vus', t0 + 2000, 10, '', ''),
      row('http_req_duration', t0 + 2000, 500, 'place-order', 'phase=run&step=2'),
      row('errors', t0 + 2000, 1, 'place-order', 'phase=run&step=2'),
      row('http_req_duration', t0 + 3000, 700, 'best-sellers', 'phase=run&step=2'),
      row('errors', t0 + 3000, 0, 'best-sellers', 'phase=run&step=2'),
      '',
    ].join('\n');
    const summary: K6Summary = {
      runSeconds: 3,
      thresholds: { ok: false, failed: ['errors{step:2}: rate<=0.01'] },
      breakingStep: { step: 2, users: 10, errorRate: 0.5, p95: 700 },
    };

    // Act
    const result = k6ScenarioResult(scenario, 'http://gw', summary, csv);

    // Assert
    expect(result.steps.map((s) => [s.index, s.users, s.requests, s.failed])).toEqual([
      [0, (scenario.load.steps[0] as { users: number }).users, 2, 0],
      [1, (scenario.load.steps[1] as { users: number }).users, 2, 1],
    ]);
    expect(result.steps[1]!.latencyMs.p95).toBe(700);
    expect(result.total.tasks['place-order']).toMatchObject({ requests: 2, failed: 1 });
    expect(result.breakingPoint).toEqual({
      step: 1,
      users: 10,
      reasons: ['error rate 50.00 % > 1 %'],
    });
    expect(result.thresholds.passed).toBe(false);
    expect(result.timeline.map((p) => [p.second, p.users, p.requests, p.failures, p.p95Ms])).toEqual([
      [0, 5, 1, 0, 10],
      [1, 5, 1, 0, 30],
      [2, 10, 1, 1, 500],
      [3, 10, 1, 0, 700],
    ]);
  });
});
