import type { Dispatcher, Pool } from 'undici';
import type { FreshnessTask } from '../scenarios/schema';
import { call, getJson } from './api-client';
import { classify, transportErrorName } from './classify';
import { exchange } from './exchange';
import type { Recorder, StepRecord } from './recorder';
import type { Created } from './order-body';

/*
 * Freshness: an order is written, then the report is polled until it shows that order's effect; freshness_ms is
 * the time from the order's 201 to the first poll answer that shows it (projection lag + report cache + gateway
 * cache). As in the k6 scripts (load/k6/lib), each probe slot is one of set-up's created users (the scenario
 * creates one per virtual user) ordering one of the created products, which are priced so that one order lifts
 * its buyer to the top of highest-spenders whatever else the run writes: more than twice the report's top at
 * set-up. What the buyer must show is the sum of its answered orders. Tear-down deletes the created users (their
 * orders go with them) and products, so later runs' probes can reach the top again. Polls are not requests of
 * the task: their failures are not counted as errors.
 */

const MAX_UNIT_CENTS = 9_999_999_999; // products.price is DECIMAL(10,2)
const MIN_PROBE_CENTS = 100_000_000; // $1,000,000, the k6 scripts' probe price
const HEADROOM_CENTS = 10_000_000; // $100,000: ahead of what the lab's users spend during a run

interface Slot {
  userId: number;
  productId: number;
  /** Cents the report must show for the user. */
  expected: number;
}

export interface FreshnessProbes {
  take(): Slot | undefined;
  give(slot: Slot): void;
  run(slot: Slot, ctx: ProbeContext): Promise<void>;
  tearDown(): Promise<void>;
}

export interface ProbeContext {
  pool: Pool;
  recorder: Recorder;
  step: StepRecord;
  taskIndex: number;
}

/** A row's user and cents spent. */
const spenderOf = (row: Record<string, unknown>) => ({
  id: Number(row.user_id),
  cents: Math.round(Number(row.total_expense) * 100),
});

/** The price (cents) of the products set-up creates for freshness: one order must top the report. */
export async function probePriceCents(baseUrl: string, task: FreshnessTask): Promise<number> {
  if (!task.reportPath.includes('highest-spenders'))
    throw new Error(`freshness polls ${task.reportPath}: only highest-spenders can be made to show a probe`);
  const rows = (await getJson(baseUrl, task.reportPath)) as Record<string, unknown>[];
  const top = rows.length ? spenderOf(rows[0]!).cents : 0;
  const cents = Math.max(MIN_PROBE_CENTS, 2 * top + HEADROOM_CENTS);
  if (cents > MAX_UNIT_CENTS)
    throw new Error(`the top spender (${top / 100}) is too far ahead for a freshness probe to overtake`);
  return cents;
}

/** One slot per created user, each ordering one unit of a created product (set-up priced them). */
export function freshnessProbes(
  baseUrl: string,
  task: FreshnessTask,
  created: Created,
  unitCents: number,
): FreshnessProbes {
  if (created.users.length === 0 || created.products.length === 0)
    throw new Error('freshness needs created users (one per virtual user) and a created product');
  const free: Slot[] = created.users.map((userId, i) => ({
    userId,
    productId: created.products[i % created.products.length]!,
    expected: 0,
  }));
  return {
    take: () => free.pop(),
    give: (slot) => void free.push(slot),
    run: (slot, ctx) => probeOnce(task, slot, unitCents, ctx),
    async tearDown() {
      for (const id of created.users) await call(baseUrl, 'DELETE', `/users/${id}`);
      for (const id of created.products) await call(baseUrl, 'DELETE', `/products/${id}`);
    },
  };
}

async function probeOnce(
  task: FreshnessTask,
  slot: Slot,
  unitCents: number,
  ctx: ProbeContext,
): Promise<void> {
  const body = JSON.stringify({ user_id: slot.userId, items: [{ product_id: slot.productId, quantity: 1 }] });
  const order: Dispatcher.DispatchOptions = {
    method: 'POST',
    path: '/orders',
    headers: { 'content-type': 'application/json' },
    body,
  };
  const sent = performance.now();
  try {
    const answer = await exchange(ctx.pool, order, 'json');
    const verdict = classify(answer, { status: 201, body: { field: 'order_id' } });
    const acknowledged = performance.now();
    ctx.recorder.answered(ctx.step, ctx.taskIndex, acknowledged - sent, failureOf(verdict, answer.status));
    if (verdict !== 'ok') return;
    slot.expected += unitCents;
    await pollUntilVisible(task, slot, acknowledged, ctx);
  } catch (error) {
    ctx.recorder.transportError(ctx.step, ctx.taskIndex, transportErrorName(error));
  }
}

const failureOf = (verdict: 'ok' | 'status' | 'body', status: number) =>
  verdict === 'ok'
    ? undefined
    : verdict === 'status'
      ? { kind: 'status' as const, status }
      : { kind: 'body' as const };

async function pollUntilVisible(
  task: FreshnessTask,
  slot: Slot,
  acknowledged: number,
  ctx: ProbeContext,
): Promise<void> {
  const poll: Dispatcher.DispatchOptions = { method: 'GET', path: task.reportPath };
  const tally = ctx.step.tasks[ctx.taskIndex]!;
  // Not cut short when the run ends: the run waits for its probes (like k6's graceful stop), else a short run
  // with a report TTL longer than itself would see none.
  for (;;) {
    const answer = await exchange(ctx.pool, poll, 'json').catch(() => undefined);
    const seenAt = performance.now();
    if (answer?.status === 200 && shows(answer.text, slot.userId, slot.expected)) {
      tally.freshness.add(seenAt - acknowledged);
      return;
    }
    if (seenAt - acknowledged >= task.timeoutMs) {
      tally.freshnessTimeouts++;
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, task.pollIntervalMs));
  }
}

function shows(text: string | undefined, userId: number, expected: number): boolean {
  try {
    const rows = JSON.parse(text ?? '') as Record<string, unknown>[];
    return rows.some((row) => {
      const { id, cents } = spenderOf(row);
      return id === userId && cents >= expected;
    });
  } catch {
    return false;
  }
}
