import { join } from 'node:path';
import { LARGE_STOCK } from '../bench-orders-fixtures';
import { LAB_SPACE } from '../order-mix';
import type { Figures } from '../runner/figures';
import { runScenario } from '../runner/run-scenario';
import { runSetup } from '../runner/setup';
import { scenarioSchema, type Scenario } from '../scenarios/schema';
import { startChildServer, type ChildServer } from './child-server';
import { startNginxFixedBody } from './nginx-fixed';

/*
 * This machine's ceilings, measured in the same run as the scenario and with the same runner: nginx answering a
 * fixed body, Express 5 + one Redis GET, and the bare order transaction (Express 5 + mysql2 on the stack's
 * database, the lab's order mix). Each is loaded by one user (its unloaded latency, the floor of a request's
 * cost) then by `users` users without think time (its throughput). Absolute numbers drift on a shared machine;
 * the scenario's figures are reported as ratios to these.
 */

export const CEILINGS = ['nginx-fixed-body', 'express-redis', 'order-transaction'] as const;
export type CeilingName = (typeof CEILINGS)[number];

export interface Ceiling {
  name: CeilingName;
  users: number;
  /** One user, no think time. */
  unloaded: Figures;
  /** `users` users, no think time. */
  loaded: Figures;
}

export interface CeilingOptions {
  /** The stack whose database the order transaction writes to (restocked through its API first). */
  stackUrl: string;
  database: string;
  users: number;
  seconds: number;
  unloadedSeconds: number;
  progress: boolean;
}

/** The lab's products, restocked before the order ceiling so that it never runs out of stock. */

/** The lab's order: seeded users 1–3 and products 1–4, 30 % with 1–2 extra lines (scenarios/read-write.json). */
export const LAB_ORDER_TASK = {
  name: 'place-order',
  weight: 1,
  method: 'POST',
  path: '/orders',
  body: {
    kind: 'order',
    user: { range: { min: 1, max: 3 } },
    product: { range: { min: 1, max: 4 } },
    quantity: { min: 1, max: 5 },
    extraLines: { probability: 0.3, lines: { min: 1, max: 2 } },
  },
  expect: { status: 201, body: { field: 'order_id' } },
} as const;

const tasks: Record<CeilingName, unknown> = {
  'nginx-fixed-body': {
    name: 'fixed-body',
    weight: 1,
    method: 'GET',
    path: '/',
    expect: { status: 200, body: 'array' },
  },
  'express-redis': {
    name: 'redis-get',
    weight: 1,
    method: 'GET',
    path: '/report',
    expect: { status: 200, body: 'array' },
  },
  'order-transaction': LAB_ORDER_TASK,
};

export function ceilingScenario(
  name: CeilingName,
  options: Pick<CeilingOptions, 'users' | 'seconds' | 'unloadedSeconds'>,
): Scenario {
  return saturationScenario(`ceiling-${name}`, tasks[name], options);
}

/**
 * One task loaded the way every ceiling is: one user (unloaded latency), then `users` users without think time
 * (throughput). A system measured with this scenario compares with the ceilings like for like.
 */
export function saturationScenario(
  name: string,
  task: unknown,
  options: Pick<CeilingOptions, 'users' | 'seconds' | 'unloadedSeconds'>,
): Scenario {
  return scenarioSchema.parse({
    name,
    description: `saturation: ${name}`,
    setup: {},
    tasks: [task],
    load: {
      model: 'closed',
      thinkTimeSeconds: { min: 0, max: 0 },
      steps: [
        { users: 1, durationSeconds: options.unloadedSeconds },
        { users: options.users, durationSeconds: options.seconds },
      ],
      rampSeconds: 0,
    },
    thresholds: { errorRate: 0.01, p95Ms: 1000 },
  });
}

function startServer(name: CeilingName, database: string): Promise<ChildServer> {
  if (name === 'nginx-fixed-body') return startNginxFixedBody();
  if (name === 'express-redis') return startChildServer(join(__dirname, 'redis-main.js'), {});
  return startChildServer(join(__dirname, 'main.js'), { MYSQL_DATABASE: database });
}

export async function measureCeilings(
  options: CeilingOptions,
  names: readonly CeilingName[] = CEILINGS,
): Promise<Ceiling[]> {
  const ceilings: Ceiling[] = [];
  for (const name of names) {
    if (name === 'order-transaction') {
      await runSetup(
        options.stackUrl,
        {
          restock: { productIds: [...LAB_SPACE.productIds], quantity: LARGE_STOCK },
          createUsers: 0,
          createProducts: 0,
          createdStock: 0,
        },
        '',
      );
    }
    const server = await startServer(name, options.database);
    try {
      const result = await runScenario(ceilingScenario(name, options), {
        baseUrl: server.url,
        progress: options.progress && { label: `ceiling ${name}` },
      });
      const [unloaded, loaded] = result.steps;
      ceilings.push({ name, users: options.users, unloaded: unloaded!, loaded: loaded! });
    } finally {
      await server.stop();
    }
  }
  return ceilings;
}
