// Runs one scenario of load/scenarios/ under k6. A script is three lines: it opens its own JSON (k6's open() is
// relative to the calling script) and exports what createScenario returns. Settings from the environment:
//   BASE_URL (http://127.0.0.1:8080), DURATION_SCALE and LOAD_SCALE (load/scenarios/README.md),
//   SUMMARY_PATH (else RESULTS_DIR, default load/results, + k6-<scenario>-<time>.json; k6 makes no folder).
import http from 'k6/http';
import exec from 'k6/execution';
import { check, sleep } from 'k6';
import { Gauge, Rate, Trend } from 'k6/metrics';
import { orderBody, pickTask, thinkSeconds } from './draw.js';
import { buildOptions, readScale, requestNames, scaleScenario, stepAt, stepWindows } from './plan.js';
import { runSetup, runTeardown } from './setup.js';
import { summarize, textSummary } from './summary.js';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

function bodyMatches(response, expected) {
  let body;
  try {
    body = JSON.parse(response.body);
  } catch (error) {
    return false;
  }
  if (expected === 'array') return Array.isArray(body);
  return (
    body !== null &&
    typeof body === 'object' &&
    body[expected.field] !== undefined &&
    body[expected.field] !== null
  );
}

function checked(response, name, expect, tags) {
  const checks = {};
  checks[name + ' answers ' + expect.status] = (r) => r.status === expect.status;
  checks[name + ' body ' + (expect.body === 'array' ? 'is an array' : 'has ' + expect.body.field)] = (r) =>
    r.status === expect.status && bodyMatches(r, expect.body);
  return check(response, checks, tags);
}

export function createScenario(jsonText) {
  const settings = {
    baseUrl: (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    scale: readScale(__ENV),
  };
  const scenario = scaleScenario(JSON.parse(jsonText), settings.scale);
  const windows = stepWindows(scenario.load);
  const errors = new Rate('errors');
  const elapsed = new Gauge('scenario_elapsed_seconds');
  const freshnessMs = new Trend('freshness_ms', true);
  const freshnessVisible = new Rate('freshness_visible');
  // Per virtual user (each has its own JS runtime): what its freshness user has spent so far, in cents.
  let spentCents = 0;

  function send(method, path, body, expect, tags) {
    const params = { headers: JSON_HEADERS, tags: tags };
    const response = http.request(
      method,
      settings.baseUrl + path,
      body ? JSON.stringify(body) : null,
      params,
    );
    const ok = checked(response, tags.name, expect, tags);
    errors.add(!ok, tags);
    return ok ? response : null;
  }

  function runFreshness(task, data, baseTags) {
    const user = data.users[(__VU - 1) % data.users.length];
    const product = data.products[(__VU - 1) % data.products.length];
    const order = { user_id: user, items: [{ product_id: product, quantity: 1 }] };
    const orderTags = Object.assign({ name: task.name + '-order' }, baseTags);
    const placed = send('POST', '/orders', order, { status: 201, body: { field: 'order_id' } }, orderTags);
    if (!placed) return;
    spentCents += Math.round(placed.json('total_amount') * 100);
    const acknowledged = Date.now();
    const pollTags = Object.assign({ name: task.name + '-poll' }, baseTags);
    for (;;) {
      const answer = send('GET', task.reportPath, null, { status: 200, body: 'array' }, pollTags);
      const rows = answer ? answer.json() : [];
      const shown = rows.some(
        (row) => row.user_id === user && Math.round(row.total_expense * 100) >= spentCents,
      );
      if (shown) {
        freshnessMs.add(Date.now() - acknowledged);
        freshnessVisible.add(true);
        return;
      }
      if (Date.now() - acknowledged > task.timeoutMs) {
        freshnessVisible.add(false);
        return;
      }
      sleep(task.pollIntervalMs / 1000);
    }
  }

  function iteration(data) {
    const seconds = (Date.now() - exec.scenario.startTime) / 1000;
    elapsed.add(seconds);
    const tags = { phase: 'run', step: String(stepAt(windows, seconds)) };
    const task = pickTask(scenario.tasks, Math.random);
    if (task.kind === 'freshness') runFreshness(task, data, tags);
    else {
      const body = task.body ? orderBody(task.body, data, Math.random) : null;
      send(task.method, task.path, body, task.expect, Object.assign({ name: task.name }, tags));
    }
    if (scenario.load.model === 'closed') sleep(thinkSeconds(scenario.load.thinkTimeSeconds, Math.random));
  }

  function handleSummary(data) {
    const taskNames = [];
    scenario.tasks.forEach((task) => requestNames(task).forEach((name) => taskNames.push(name)));
    const report = summarize(data, {
      scenario: scenario,
      windows: windows,
      taskNames: taskNames,
      settings: settings,
    });
    const stamp = report.at.replace(/[:.]/g, '-');
    const path =
      __ENV.SUMMARY_PATH ||
      (__ENV.RESULTS_DIR || 'load/results') + '/k6-' + scenario.name + '-' + stamp + '.json';
    const files = { stdout: textSummary(report) + 'summary: ' + path + '\n' };
    files[path] = JSON.stringify(report, null, 2) + '\n';
    return files;
  }

  return {
    options: buildOptions(scenario),
    setup: () => runSetup(scenario, settings.baseUrl),
    iteration: iteration,
    teardown: (data) => runTeardown(scenario, settings.baseUrl, data),
    handleSummary: handleSummary,
  };
}
