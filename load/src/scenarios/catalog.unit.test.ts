import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, parseScenario, SCENARIOS_DIR, scenarioNames } from './catalog';
import { scenarioProblems } from './consistency';
import { scaleScenario, scaleSettingsFromEnv, scenarioSeconds } from './scale';
import type { Scenario } from './schema';

const ISSUE_SCENARIOS = [
  'freshness',
  'ramp-to-break',
  'read-only',
  'read-write',
  'soak',
  'spike',
  'uniform-write',
];
const raw = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(SCENARIOS_DIR, `${name}.json`), 'utf8')) as Record<string, unknown>;
const withChanges = (name: string, change: (scenario: Scenario) => void): Scenario => {
  const scenario = loadScenario(name);
  change(scenario);
  return scenario;
};

describe('the scenario files', () => {
  test('When load/scenarios is listed, then it holds exactly the seven scenarios of the issue', () => {
    expect(scenarioNames()).toEqual(ISSUE_SCENARIOS);
  });

  test.each(ISSUE_SCENARIOS)(
    'When %s.json is loaded, then the schema and the consistency rules accept it',
    (name) => {
      const scenario = loadScenario(name);
      expect(scenario.name).toBe(name);
      expect(scenarioProblems(scenario)).toEqual([]);
    },
  );

  test('When a file is named differently from its scenario, then loading it fails and names both', () => {
    const text = JSON.stringify({ ...raw('read-only'), name: 'read-only-copy' });
    expect(() => parseScenario(text, 'read-only')).toThrow(/read-only: its name is "read-only-copy"/);
  });

  test('When a scenario is unknown, then loading it fails and lists the known ones', () => {
    expect(() => loadScenario('nope')).toThrow(/no such scenario: "nope" \(known: freshness, /);
    expect(() => loadScenario('../package')).toThrow(/no such scenario/);
  });

  test('When the lab mix is read, then orders, spenders and sellers are 1:1:1 with the lab ranges', () => {
    const scenario = loadScenario('read-write');
    expect(scenario.tasks.map((task) => [task.name, task.weight])).toEqual([
      ['place-order', 1],
      ['highest-spenders', 1],
      ['best-sellers', 1],
    ]);
    expect(scenario.tasks[0]).toMatchObject({
      body: {
        user: { range: { min: 1, max: 3 } },
        product: { range: { min: 1, max: 4 } },
        quantity: { min: 1, max: 5 },
        extraLines: { probability: 0.3, lines: { min: 1, max: 2 } },
      },
      expect: { status: 201, body: { field: 'order_id' } },
    });
    expect(scenario.load).toMatchObject({ model: 'closed', thinkTimeSeconds: { min: 1, max: 3 } });
  });

  test('When ramp-to-break is read, then users grow step by step and the breaking criteria are 1 % and 1 s', () => {
    const scenario = loadScenario('ramp-to-break');
    if (scenario.load.model !== 'closed') throw new Error('ramp-to-break must be closed');
    const users = scenario.load.steps.map((step) => step.users);
    expect(users.slice(0, 8)).toEqual([50, 100, 200, 400, 800, 1600, 3200, 4800]);
    expect(users.every((count, i) => i === 0 || count > users[i - 1]!)).toBe(true);
    expect(scenario.load.breakingCriteria).toEqual({ errorRate: 0.01, p95Ms: 1000 });
  });
});

describe('the consistency rules', () => {
  test('When a ranged product is ordered but not restocked, then the problem names the product', () => {
    const scenario = withChanges('read-write', (s) => {
      s.setup.restock = { productIds: [1, 2, 4], quantity: 10 };
    });
    expect(scenarioProblems(scenario)).toContain('products 3 are ordered but not restocked in setup');
  });

  test('When orders name created rows that setup does not create, then both are reported', () => {
    const scenario = withChanges('uniform-write', (s) => {
      s.setup = { createUsers: 0, createProducts: 5, createdStock: 0 };
    });
    expect(scenarioProblems(scenario)).toEqual([
      'orders name created users but setup creates none',
      'orders name created products but setup creates none or gives them no stock',
    ]);
  });

  test('When freshness has more users than created users or polls another report, then it is refused', () => {
    const scenario = withChanges('freshness', (s) => {
      s.setup.createUsers = 3;
      s.tasks = [{ ...s.tasks[0]!, reportPath: '/orders/reports/best-sellers' }];
    });
    expect(scenarioProblems(scenario)).toEqual([
      'freshness task "order-to-report" must poll /orders/reports/highest-spenders',
      'freshness needs a created user per virtual user: 10 users, 3 created',
    ]);
  });
});

describe('scaling a scenario', () => {
  test('When DURATION_SCALE and LOAD_SCALE are read, then empty means 1 and nonsense is refused', () => {
    expect(scaleSettingsFromEnv({})).toEqual({ durationScale: 1, loadScale: 1 });
    expect(scaleSettingsFromEnv({ DURATION_SCALE: '0.1', LOAD_SCALE: ' ' })).toEqual({
      durationScale: 0.1,
      loadScale: 1,
    });
    expect(() => scaleSettingsFromEnv({ LOAD_SCALE: '0' })).toThrow(/LOAD_SCALE must be a positive number/);
    expect(() => scaleSettingsFromEnv({ DURATION_SCALE: 'fast' })).toThrow(/DURATION_SCALE/);
  });

  test('When a closed scenario is scaled down, then steps keep at least 1 s and 1 user, and ramps shrink', () => {
    const scaled = scaleScenario(loadScenario('ramp-to-break'), { durationScale: 0.01, loadScale: 0.01 });
    if (scaled.load.model !== 'closed') throw new Error('closed expected');
    expect(scaled.load.steps.map((step) => step.users)).toEqual([1, 1, 2, 4, 8, 16, 32, 48, 64, 80]);
    expect(scaled.load.steps.every((step) => step.durationSeconds === 1)).toBe(true);
    expect(scaled.load.rampSeconds).toBe(0.1);
    expect(scaled.thresholds).toEqual(loadScenario('ramp-to-break').thresholds);
  });

  test('When an open scenario is scaled, then rates, connections and created rows follow the load scale', () => {
    const scaled = scaleScenario(loadScenario('uniform-write'), { durationScale: 0.5, loadScale: 0.01 });
    expect(scaled.load).toMatchObject({
      model: 'open',
      maxConnections: 4,
      steps: [1, 2, 4, 8].map((ratePerSecond) => ({ ratePerSecond, durationSeconds: 15 })),
    });
    expect(scaled.setup).toMatchObject({ createUsers: 2, createProducts: 1, createdStock: 100_000_000 });
    expect(scenarioSeconds(scaled)).toBe(60);
  });

  test('When freshness is scaled down, then there is still a created user for every virtual user', () => {
    for (const loadScale of [0.01, 0.15, 0.26, 0.5]) {
      const scaled = scaleScenario(loadScenario('freshness'), { durationScale: 1, loadScale });
      expect(scenarioProblems(scaled)).toEqual([]);
    }
  });
});
