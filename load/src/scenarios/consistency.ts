import type { OrderBody, Scenario } from './schema';

/*
 * Rules the schema cannot say, checked on every scenario file: what a run needs to measure the system rather than
 * its own set-up (stock that never runs out, created ids that exist, a freshness probe that can show).
 */

/** The only report where one probe order is sure to rank: its product is priced so its buyer tops the list. */
export const FRESHNESS_REPORT = '/orders/reports/highest-spenders';

function orderBodies(scenario: Scenario): OrderBody[] {
  return scenario.tasks.flatMap((task) => ('body' in task && task.body ? [task.body] : []));
}

function restockProblems(scenario: Scenario, body: OrderBody): string[] {
  if (!('range' in body.product)) return [];
  const restocked = new Set(scenario.setup.restock?.productIds ?? []);
  const missing: number[] = [];
  for (let id = body.product.range.min; id <= body.product.range.max; id++) {
    if (!restocked.has(id)) missing.push(id);
  }
  return missing.length > 0 ? [`products ${missing.join(', ')} are ordered but not restocked in setup`] : [];
}

function createdProblems(scenario: Scenario, body: OrderBody): string[] {
  const problems: string[] = [];
  if ('created' in body.user && scenario.setup.createUsers === 0) {
    problems.push('orders name created users but setup creates none');
  }
  if (
    'created' in body.product &&
    (scenario.setup.createProducts === 0 || scenario.setup.createdStock === 0)
  ) {
    problems.push('orders name created products but setup creates none or gives them no stock');
  }
  return problems;
}

function freshnessProblems(scenario: Scenario): string[] {
  const probes = scenario.tasks.filter((task) => 'kind' in task && task.kind === 'freshness');
  if (probes.length === 0) return [];
  const problems: string[] = [];
  for (const probe of probes) {
    if (!('reportPath' in probe) || !probe.reportPath.startsWith(FRESHNESS_REPORT)) {
      problems.push(`freshness task "${probe.name}" must poll ${FRESHNESS_REPORT}`);
    }
  }
  if (scenario.load.model !== 'closed')
    problems.push('freshness tasks need the closed model (one user each)');
  else {
    const users = Math.max(...scenario.load.steps.map((step) => step.users));
    if (scenario.setup.createUsers < users) {
      problems.push(
        `freshness needs a created user per virtual user: ${users} users, ${scenario.setup.createUsers} created`,
      );
    }
  }
  if (scenario.setup.createProducts < 1 || scenario.setup.createdStock === 0) {
    problems.push('freshness needs a created product with stock');
  }
  return problems;
}

export function scenarioProblems(scenario: Scenario): string[] {
  const problems = orderBodies(scenario).flatMap((body) => [
    ...restockProblems(scenario, body),
    ...createdProblems(scenario, body),
  ]);
  if (
    scenario.load.model === 'closed' &&
    scenario.load.thinkTimeSeconds.min > scenario.load.thinkTimeSeconds.max
  ) {
    problems.push('think time min exceeds max');
  }
  return [...problems, ...freshnessProblems(scenario)];
}
