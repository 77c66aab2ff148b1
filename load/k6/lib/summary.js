// The end-of-run report of the k6 scenario scripts, from k6's handleSummary data: totals, per task, per step (users
// or rate, RPS, p50/p95/p99, errors), the breaking step and freshness. Pure (no k6 import): unit-tested under Node.
// The text summary is written here rather than imported from jslib.k6.io, so the scripts run offline.

const round = (value, digits) => {
  const factor = Math.pow(10, digits);
  return Math.round(value * factor) / factor;
};

function metric(data, name) {
  const found = data.metrics[name];
  return found ? found.values : undefined;
}

function latency(data, name) {
  const values = metric(data, name) || {};
  const at = (key) => round(values[key] || 0, 2);
  return { p50: at('med'), p95: at('p(95)'), p99: at('p(99)'), max: at('max') };
}

function errorFigures(data, name) {
  const values = metric(data, name) || {};
  const requests = (values.passes || 0) + (values.fails || 0);
  // The errors metric is a Rate of "this request failed": its passes are the failures.
  return { requests: requests, errorRate: requests > 0 ? round((values.passes || 0) / requests, 4) : 0 };
}

/** `errorsName`: a sub-metric of errors (which counts task requests only); `latencyName`: of http_req_duration. */
function figures(data, errorsName, latencyName, seconds) {
  const counts = errorFigures(data, errorsName);
  const rps = seconds > 0 ? round(counts.requests / seconds, 1) : 0;
  return Object.assign({ requests: counts.requests, rps: rps }, latency(data, latencyName), {
    errorRate: counts.errorRate,
  });
}

const bySuffix = (data, suffix, seconds) =>
  figures(data, 'errors' + suffix, 'http_req_duration' + suffix, seconds);

function stepFigures(data, windows, runSeconds) {
  return windows.map((window) => {
    const seconds = Math.max(0, Math.min(window.endSeconds, runSeconds) - window.startSeconds);
    const load =
      window.users !== undefined ? { users: window.users } : { ratePerSecond: window.ratePerSecond };
    return Object.assign(
      { step: window.step },
      load,
      {
        plannedSeconds: round(window.endSeconds - window.startSeconds, 3),
        seconds: round(seconds, 3),
      },
      bySuffix(data, '{step:' + window.step + '}', seconds),
    );
  });
}

/** The first step (with requests) where the criteria hold: more errors or a slower p95 than allowed. */
export function breakingStep(steps, criteria) {
  if (!criteria) return null;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step.requests > 0 && (step.errorRate > criteria.errorRate || step.p95 > criteria.p95Ms)) return step;
  }
  return null;
}

function failedThresholds(data) {
  const failed = [];
  Object.keys(data.metrics).forEach((name) => {
    const thresholds = data.metrics[name].thresholds || {};
    Object.keys(thresholds).forEach((source) => {
      if (!thresholds[source].ok) failed.push(name + ': ' + source);
    });
  });
  return failed;
}

function freshness(data) {
  const values = metric(data, 'freshness_ms');
  if (!values) return null;
  const visible = metric(data, 'freshness_visible') || {};
  const probes = (visible.passes || 0) + (visible.fails || 0);
  return Object.assign({ probes: probes, visible: visible.passes || 0 }, latency(data, 'freshness_ms'));
}

/** `context`: { scenario (scaled), windows, taskNames, settings: { baseUrl, scale } }. */
export function summarize(data, context) {
  const elapsed = metric(data, 'scenario_elapsed_seconds');
  const runSeconds = elapsed ? elapsed.max : data.state.testRunDurationMs / 1000;
  const steps = stepFigures(data, context.windows, runSeconds);
  const failed = failedThresholds(data);
  const tasks = context.taskNames.map((name) =>
    Object.assign({ name: name }, bySuffix(data, '{name:' + name + '}', runSeconds)),
  );
  return {
    scenario: context.scenario.name,
    model: context.scenario.load.model,
    at: new Date().toISOString(),
    settings: context.settings,
    runSeconds: round(runSeconds, 3),
    thresholds: { ok: failed.length === 0, failed: failed },
    totals: figures(data, 'errors', 'http_req_duration{phase:run}', runSeconds),
    tasks: tasks,
    steps: steps,
    breakingStep: breakingStep(steps, context.scenario.load.breakingCriteria),
    // Open model: arrivals k6 could not start for want of connections (maxConnections too small for the rate).
    droppedIterations: (metric(data, 'dropped_iterations') || { count: 0 }).count,
    freshness: freshness(data),
    k6: { state: data.state, metrics: data.metrics },
  };
}

const pad = (value, width) => {
  const text = String(value);
  return text.length >= width ? text : new Array(width - text.length + 1).join(' ') + text;
};

function row(label, f) {
  return (
    pad(label, 18) +
    pad(f.requests, 9) +
    pad(f.rps, 9) +
    pad(f.p50, 9) +
    pad(f.p95, 9) +
    pad(f.p99, 9) +
    pad(round(f.errorRate * 100, 2) + '%', 9)
  );
}

export function textSummary(report) {
  const lines = [
    '',
    'scenario ' +
      report.scenario +
      ' (' +
      report.model +
      ') against ' +
      report.settings.baseUrl +
      ', ' +
      report.runSeconds +
      ' s',
    pad('', 18) +
      pad('requests', 9) +
      pad('rps', 9) +
      pad('p50 ms', 9) +
      pad('p95 ms', 9) +
      pad('p99 ms', 9) +
      pad('errors', 9),
    row('all', report.totals),
  ];
  report.tasks.forEach((task) => lines.push(row(task.name, task)));
  report.steps.forEach((step) => {
    const load = step.users !== undefined ? step.users + ' users' : step.ratePerSecond + '/s';
    lines.push(row('step ' + step.step + ' ' + load, step));
  });
  if (report.breakingStep) lines.push('breaking step: ' + report.breakingStep.step);
  if (report.freshness) {
    const f = report.freshness;
    lines.push(
      'freshness: ' +
        f.visible +
        '/' +
        f.probes +
        ' shown, p50 ' +
        f.p50 +
        ' ms, p95 ' +
        f.p95 +
        ' ms, p99 ' +
        f.p99 +
        ' ms, max ' +
        f.max +
        ' ms',
    );
  }
  lines.push(
    report.thresholds.ok
      ? 'thresholds: all passed'
      : 'thresholds failed: ' + report.thresholds.failed.join('; '),
  );
  return lines.join('\n') + '\n';
}
