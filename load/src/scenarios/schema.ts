import { z } from 'zod';

/*
 * The load scenarios, defined once as data (load/scenarios/<name>.json) and read by both the k6 scripts (k6's
 * open() of the same JSON, interpreted in plain ES2017) and the project's runner. This schema is the contract
 * between the two: a k6 script must not need anything the JSON does not say.
 */

const range = z
  .object({ min: z.number().int().min(0), max: z.number().int().min(0) })
  .refine((r) => r.min <= r.max, {
    message: 'min must not exceed max',
  });

/** Where the ids of an order come from: fixed ranges (the lab's seed data) or what set-up created. */
const idSource = z.union([z.object({ range }), z.object({ created: z.enum(['users', 'products']) })]);

const orderBody = z.object({
  kind: z.literal('order'),
  user: idSource,
  product: idSource,
  quantity: range,
  /** With this probability an order gets `lines` more lines (the lab: 30 % of orders with 1–2 extra lines). */
  extraLines: z.object({ probability: z.number().min(0).max(1), lines: range }),
});

const expectation = z.object({
  status: z.number().int(),
  /** 'array': the body is a JSON array (reports); a field name: the JSON body has it (orders: order_id). */
  body: z.union([z.literal('array'), z.object({ field: z.string() })]),
});

const requestTask = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  /** Relative weight of the task in the mix (tasks are picked at random by weight). */
  weight: z.number().positive(),
  method: z.enum(['GET', 'POST']),
  path: z.string().startsWith('/'),
  body: orderBody.optional(),
  expect: expectation,
});

/** Write an order, then poll `reportPath` until it shows the order's effect; records freshness_ms. */
const freshnessTask = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  weight: z.number().positive(),
  kind: z.literal('freshness'),
  reportPath: z.string().startsWith('/'),
  pollIntervalMs: z.number().int().positive(),
  timeoutMs: z.number().int().positive(),
});

const task = z.union([requestTask, freshnessTask]);

const thresholds = z.object({
  /** Failed requests (wrong status, wrong body, transport error) over all requests. */
  errorRate: z.number().min(0).max(1),
  p95Ms: z.number().positive(),
});

/** Closed model: virtual users, each doing a task then thinking; the steps say how many users for how long. */
const closedLoad = z.object({
  model: z.literal('closed'),
  thinkTimeSeconds: z.object({ min: z.number().min(0), max: z.number().min(0) }),
  steps: z
    .array(z.object({ users: z.number().int().positive(), durationSeconds: z.number().positive() }))
    .min(1),
  /** Users are added over this many seconds at the start of each step (0: all at once). */
  rampSeconds: z.number().min(0),
  /** ramp-to-break: the run stops at the first step where these hold; that step is the breaking point. */
  breakingCriteria: thresholds.optional(),
});

/** Open model: requests arrive at a fixed rate whatever the answers (throughput). */
const openLoad = z.object({
  model: z.literal('open'),
  steps: z
    .array(z.object({ ratePerSecond: z.number().positive(), durationSeconds: z.number().positive() }))
    .min(1),
  /** Connections (k6: pre-allocated VUs) available to keep the rate. */
  maxConnections: z.number().int().positive(),
});

const setup = z.object({
  /** Products whose stock is set to `quantity` before the run, so stock never runs out mid-run. */
  restock: z
    .object({ productIds: z.array(z.number().int().positive()), quantity: z.number().int().positive() })
    .optional(),
  /** Users and products created through the API before the run (their ids feed `created` id sources). */
  createUsers: z.number().int().min(0).default(0),
  createProducts: z.number().int().min(0).default(0),
  /** Stock of each created product. */
  createdStock: z.number().int().min(0).default(0),
});

export const scenarioSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().min(1),
  setup,
  tasks: z.array(task).min(1),
  load: z.discriminatedUnion('model', [closedLoad, openLoad]),
  thresholds,
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioTask = z.infer<typeof task>;
export type RequestTask = z.infer<typeof requestTask>;
export type FreshnessTask = z.infer<typeof freshnessTask>;
export type OrderBody = z.infer<typeof orderBody>;
export type Thresholds = z.infer<typeof thresholds>;
