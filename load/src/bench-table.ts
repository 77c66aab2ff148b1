import type { Ceiling, CeilingName } from './calibration/ceilings';
import type { Row } from './results';
import type { Figures } from './runner/figures';
import type { ScenarioResult } from './runner/run-scenario';
import type { Scenario } from './scenarios/schema';
import { round } from './stats';

/** Which ceilings a task is compared with: report reads with nginx and Express + Redis, orders with the transaction. */
export function ceilingsFor(task: Scenario['tasks'][number]): CeilingName[] {
  if ('kind' in task) return [];
  if (task.method === 'POST' && task.path.startsWith('/orders')) return ['order-transaction'];
  if (task.method === 'GET') return ['nginx-fixed-body', 'express-redis'];
  return [];
}

const ms = (value: number) => (Number.isFinite(value) ? round(value, 2) : '-');
const percent = (value: number) => (Number.isFinite(value) ? `${round(value * 100, 1)} %` : '-');

export function ceilingRows(ceilings: readonly Ceiling[]): Row[] {
  return ceilings.map((ceiling) => ({
    ceiling: ceiling.name,
    users: ceiling.users,
    rps: round(ceiling.loaded.rps, 0),
    'p50 ms': ms(ceiling.loaded.latencyMs.p50),
    'p95 ms': ms(ceiling.loaded.latencyMs.p95),
    'p99 ms': ms(ceiling.loaded.latencyMs.p99),
    'unloaded p50 ms': ms(ceiling.unloaded.latencyMs.p50),
    errors: percent(ceiling.loaded.errorRate),
  }));
}

/**
 * One row per step and task (and the step's total): the runner's figures, then the task's RPS as a share of each
 * ceiling's throughput and its p50 as a multiple of the nearest ceiling's unloaded p50 (a request's floor here).
 */
export function scenarioRows(
  scenario: Scenario,
  result: ScenarioResult,
  ceilings: readonly Ceiling[],
): Row[] {
  const byName = new Map(ceilings.map((ceiling) => [ceiling.name, ceiling]));
  const share = (figures: Figures, name: CeilingName) => {
    const ceiling = byName.get(name);
    return ceiling ? percent(figures.rps / ceiling.loaded.rps) : '';
  };
  const row = (
    step: string,
    users: string | number,
    task: string,
    figures: Figures,
    compared: CeilingName[],
  ): Row => {
    const floor = byName.get(compared.at(-1)!)?.unloaded.latencyMs.p50;
    return {
      step,
      users,
      task,
      requests: figures.requests,
      rps: round(figures.rps, 1),
      'p50 ms': ms(figures.latencyMs.p50),
      'p95 ms': ms(figures.latencyMs.p95),
      'p99 ms': ms(figures.latencyMs.p99),
      errors: percent(figures.errorRate),
      'rps/nginx': compared.includes('nginx-fixed-body') ? share(figures, 'nginx-fixed-body') : '',
      'rps/express+redis': compared.includes('express-redis') ? share(figures, 'express-redis') : '',
      'rps/order tx': compared.includes('order-transaction') ? share(figures, 'order-transaction') : '',
      'p50/floor': floor ? `${round(figures.latencyMs.p50 / floor, 1)}×` : '',
    };
  };
  return result.steps.flatMap((step) => {
    const label = String(step.index + 1) + (result.breakingPoint?.step === step.index ? ' (breaks)' : '');
    const users = step.users ?? `${step.ratePerSecond}/s`;
    const rows = scenario.tasks.map((task) =>
      row(label, users, task.name, step.tasks[task.name]!, ceilingsFor(task)),
    );
    return scenario.tasks.length > 1 ? [...rows, row(label, users, 'all', step, [])] : rows;
  });
}

/** Freshness per task that measures it: order answered → visible in the report. */
export function freshnessRows(result: ScenarioResult): Row[] {
  return Object.entries(result.total.tasks).flatMap(([task, figures]) =>
    figures.freshnessMs
      ? [
          {
            task,
            probes: figures.freshnessMs.count + (figures.freshnessTimeouts ?? 0),
            'not seen in time': figures.freshnessTimeouts ?? 0,
            'p50 ms': ms(figures.freshnessMs.p50),
            'p95 ms': ms(figures.freshnessMs.p95),
            'p99 ms': ms(figures.freshnessMs.p99),
            'max ms': ms(figures.freshnessMs.max),
          },
        ]
      : [],
  );
}
