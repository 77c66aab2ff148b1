// The pure plan of the k6 scenario scripts: scaling, k6 options, step windows. No k6 import, so the unit tests run
// it under Node (load/src/scenarios/k6-plan.unit.test.ts) and compare its scaling with load/src/scenarios/scale.ts,
// the runner's. Plain ES2017: no object spread, no methods newer than ES2017.

const MIN_STEP_SECONDS = 1;
const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

function positiveFactor(name, text) {
  if (text === undefined || String(text).trim() === '') return 1;
  const value = Number(text);
  if (!isFinite(value) || value <= 0)
    throw new Error(name + ' must be a positive number, got "' + text + '"');
  return value;
}

/** DURATION_SCALE and LOAD_SCALE, as load/scenarios/README.md describes them. */
export function readScale(env) {
  return {
    durationScale: positiveFactor('DURATION_SCALE', env.DURATION_SCALE),
    loadScale: positiveFactor('LOAD_SCALE', env.LOAD_SCALE),
  };
}

const millis = (seconds) => Math.round(seconds * 1000) / 1000;
const stepSeconds = (seconds, scale) => Math.max(MIN_STEP_SECONDS, millis(seconds * scale));
const atLeastOne = (value) => Math.max(1, Math.round(value));

/** The same rules as scaleScenario in load/src/scenarios/scale.ts. */
export function scaleScenario(scenario, scale) {
  const setup = Object.assign({ createUsers: 0, createProducts: 0, createdStock: 0 }, scenario.setup);
  setup.createUsers = Math.ceil(setup.createUsers * scale.loadScale);
  setup.createProducts = Math.ceil(setup.createProducts * scale.loadScale);
  const load = Object.assign({}, scenario.load);
  if (load.model === 'closed') {
    load.rampSeconds = millis(load.rampSeconds * scale.durationScale);
    load.steps = load.steps.map((step) => ({
      users: atLeastOne(step.users * scale.loadScale),
      durationSeconds: stepSeconds(step.durationSeconds, scale.durationScale),
    }));
  } else {
    load.maxConnections = Math.max(1, Math.ceil(load.maxConnections * scale.loadScale));
    load.steps = load.steps.map((step) => ({
      ratePerSecond: atLeastOne(step.ratePerSecond * scale.loadScale),
      durationSeconds: stepSeconds(step.durationSeconds, scale.durationScale),
    }));
  }
  return Object.assign({}, scenario, { setup: setup, load: load });
}

/** When each step starts and ends, in seconds from the start of the load (k6: exec.scenario.startTime). */
export function stepWindows(load) {
  let start = 0;
  return load.steps.map((step, index) => {
    const ramp = load.model === 'closed' ? Math.min(load.rampSeconds, step.durationSeconds) : 0;
    const window = { step: index + 1, startSeconds: start, endSeconds: start + step.durationSeconds };
    window.rampSeconds = ramp;
    if (load.model === 'closed') window.users = step.users;
    else window.ratePerSecond = step.ratePerSecond;
    start = window.endSeconds;
    return window;
  });
}

/** The step (1-based) running at `elapsedSeconds`; past the end (graceful stop), the last one. */
export function stepAt(windows, elapsedSeconds) {
  for (let i = 0; i < windows.length; i++) {
    if (elapsedSeconds < windows[i].endSeconds) return windows[i].step;
  }
  return windows[windows.length - 1].step;
}

export const kSeconds = (seconds) => Math.round(seconds * 1000) + 'ms';

export function hasFreshness(scenario) {
  return scenario.tasks.some((task) => task.kind === 'freshness');
}

/** The names requests are tagged with: a task's own, or for a freshness task its order and its polls. */
export function requestNames(task) {
  return task.kind === 'freshness' ? [task.name + '-order', task.name + '-poll'] : [task.name];
}

function executor(scenario, windows) {
  const load = scenario.load;
  if (load.model === 'open') {
    const stages = [];
    load.steps.forEach((step) => {
      stages.push({ duration: '0s', target: step.ratePerSecond });
      stages.push({ duration: kSeconds(step.durationSeconds), target: step.ratePerSecond });
    });
    return {
      executor: 'ramping-arrival-rate',
      startRate: load.steps[0].ratePerSecond,
      timeUnit: '1s',
      preAllocatedVUs: load.maxConnections,
      maxVUs: load.maxConnections,
      stages: stages,
    };
  }
  const stages = [];
  windows.forEach((window) => {
    stages.push({ duration: kSeconds(window.rampSeconds), target: window.users });
    const hold = window.endSeconds - window.startSeconds - window.rampSeconds;
    if (hold > 0) stages.push({ duration: kSeconds(hold), target: window.users });
  });
  // A freshness iteration may poll for its whole timeout: let it finish rather than cut its sample off.
  const probes = scenario.tasks.filter((task) => task.kind === 'freshness');
  const grace = Math.max.apply(null, [30].concat(probes.map((task) => Math.ceil(task.timeoutMs / 1000) + 5)));
  return {
    executor: 'ramping-vus',
    startVUs: 0,
    stages: stages,
    gracefulRampDown: grace + 's',
    gracefulStop: grace + 's',
  };
}

function stepThresholds(thresholds, windows, criteria) {
  windows.forEach((window) => {
    const errors = 'errors{step:' + window.step + '}';
    const latency = 'http_req_duration{step:' + window.step + '}';
    if (!criteria) {
      thresholds[errors] = ['rate>=0'];
      thresholds[latency] = ['max>=0'];
      return;
    }
    // Thresholds are evaluated on all the samples so far; a per-step sub-metric holds only that step's, so each
    // step is judged alone. The delay keeps the first few answers of a step from deciding it.
    const settle = Math.min(10, (window.endSeconds - window.startSeconds - window.rampSeconds) / 2);
    const delay = kSeconds(window.startSeconds + window.rampSeconds + settle);
    const abort = (threshold) => ({ threshold: threshold, abortOnFail: true, delayAbortEval: delay });
    thresholds[errors] = [abort('rate<=' + criteria.errorRate)];
    thresholds[latency] = [abort('p(95)<=' + criteria.p95Ms)];
  });
}

/** k6 options for a (scaled) scenario: one k6 scenario of its model, thresholds, per-task and per-step figures. */
export function buildOptions(scenario) {
  const windows = stepWindows(scenario.load);
  const thresholds = {
    errors: ['rate<=' + scenario.thresholds.errorRate],
    'http_req_duration{phase:run}': ['p(95)<=' + scenario.thresholds.p95Ms],
  };
  // Always-true thresholds make k6 keep these sub-metrics, so the summary has figures per task and per step.
  scenario.tasks.forEach((task) => {
    requestNames(task).forEach((name) => {
      thresholds['errors{name:' + name + '}'] = ['rate>=0'];
      thresholds['http_req_duration{name:' + name + '}'] = ['max>=0'];
    });
  });
  stepThresholds(thresholds, windows, scenario.load.breakingCriteria);
  const probes = scenario.tasks.filter((task) => task.kind === 'freshness');
  if (probes.length > 0) {
    const timeout = Math.max.apply(
      null,
      probes.map((task) => task.timeoutMs),
    );
    thresholds.freshness_ms = ['p(99)<' + timeout];
    thresholds.freshness_visible = ['rate>=' + (1 - scenario.thresholds.errorRate)];
  }
  const scenarios = {};
  scenarios[scenario.name] = executor(scenario, windows);
  return {
    scenarios: scenarios,
    thresholds: thresholds,
    summaryTrendStats: SUMMARY_TREND_STATS,
    // Set-up may create hundreds of rows through a rate-limited gateway.
    setupTimeout: '600s',
    teardownTimeout: '300s',
  };
}
