import type { ClientRecord } from './conservation';

/*
 * What the clients saw, recorded as the answers come: every order acknowledged (201 with an order_id), every
 * deletion acknowledged (200 {deleted: true}), and per drill window how many requests failed and how. This is
 * the checker's first view; nothing here asks the system anything.
 */

export type Category = 'orders' | 'reports' | 'deletes';
export const CATEGORIES: readonly Category[] = ['orders', 'reports', 'deletes'];

export interface Tally {
  requests: number;
  failed: number;
  /** Failures by reason: `503`, `502`, `UND_ERR_SOCKET`, … */
  reasons: Record<string, number>;
}

export type WindowName = 'before' | 'fault' | 'after';
export const WINDOWS: readonly WindowName[] = ['before', 'fault', 'after'];
export type WindowTallies = Record<WindowName, Record<Category, Tally>>;

/** An answer as the HTTP clients report it: a status and the body text, or a transport error. */
export type Outcome = { status: number; text?: string } | { error: string };

/** An order the clients saw created: who, how much, and when (for the report probe's tolerance). */
export interface SeenOrder {
  userId: number;
  totalCents: number;
}

const emptyTally = (): Tally => ({ requests: 0, failed: 0, reasons: {} });
const emptyWindows = (): WindowTallies =>
  Object.fromEntries(
    WINDOWS.map((window) => [window, Object.fromEntries(CATEGORIES.map((c) => [c, emptyTally()]))]),
  ) as WindowTallies;

export class Witness {
  readonly created = new Map<number, number>();
  readonly deleted = new Map<number, number>();
  readonly uncertainDeletes = new Set<number>();
  /** Acknowledged, not deleted and no deletion in flight: what the deletion stream may delete next. */
  private readonly live: number[] = [];
  private readonly orders = new Map<number, SeenOrder>();
  /** Recent acknowledged deletions (time, order), for the report probe; trimmed as it reads. */
  private recentDeletes: { at: number; order: SeenOrder }[] = [];
  private windows = emptyWindows();
  private window: WindowName = 'before';

  constructor(private readonly now: () => number = Date.now) {}

  /** A new drill: fresh windows, starting with 'before'. Acknowledgements are kept (the checker is cumulative). */
  beginDrill(): void {
    this.windows = emptyWindows();
    this.window = 'before';
  }

  enterWindow(window: WindowName): void {
    this.window = window;
  }

  tallies(): WindowTallies {
    return this.windows;
  }

  /** POST /orders answered: 201 with an order_id is an acknowledged order; anything else a failed request. */
  recordOrder(outcome: Outcome): number | undefined {
    const order = 'status' in outcome && outcome.status === 201 ? parseOrder(outcome.text) : undefined;
    this.count('orders', order ? undefined : reasonOf(outcome));
    if (!order) return undefined;
    this.created.set(order.id, (this.created.get(order.id) ?? 0) + 1);
    this.orders.set(order.id, order.seen);
    this.live.push(order.id);
    return order.id;
  }

  recordReport(outcome: Outcome): void {
    this.count('reports', 'status' in outcome && outcome.status === 200 ? undefined : reasonOf(outcome));
  }

  /** Takes a random acknowledged order out of the live set for the deletion stream to delete. */
  takeLiveOrder(random: () => number = Math.random): number | undefined {
    if (this.live.length === 0) return undefined;
    const index = Math.floor(random() * this.live.length);
    const [orderId] = this.live.splice(index, 1);
    return orderId;
  }

  /** DELETE /orders/:id answered: 200 is done; any other answer or none leaves it uncertain (done or not). */
  recordDeletion(orderId: number, outcome: Outcome): void {
    const done = 'status' in outcome && outcome.status === 200;
    this.count('deletes', done ? undefined : reasonOf(outcome));
    if (done) {
      this.deleted.set(orderId, (this.deleted.get(orderId) ?? 0) + 1);
      const order = this.orders.get(orderId);
      if (order) this.recentDeletes.push({ at: this.now(), order });
    } else this.uncertainDeletes.add(orderId);
  }

  /** Spend (cents) taken back per user by deletions acknowledged in the last `ms`. */
  recentlyDeletedSpend(ms: number): Map<number, number> {
    const since = this.now() - ms;
    this.recentDeletes = this.recentDeletes.filter((entry) => entry.at >= since);
    const spend = new Map<number, number>();
    for (const { order } of this.recentDeletes)
      spend.set(order.userId, (spend.get(order.userId) ?? 0) + order.totalCents);
    return spend;
  }

  /** The largest order seen so far (cents): the tolerance for one order whose answer is still on its way. */
  largestOrderCents(): number {
    let largest = 0;
    for (const order of this.orders.values()) largest = Math.max(largest, order.totalCents);
    return largest;
  }

  clientRecord(): ClientRecord {
    return { created: this.created, deleted: this.deleted, uncertainDeletes: this.uncertainDeletes };
  }

  private count(category: Category, failure: string | undefined): void {
    const tally = this.windows[this.window][category];
    tally.requests++;
    if (failure === undefined) return;
    tally.failed++;
    tally.reasons[failure] = (tally.reasons[failure] ?? 0) + 1;
  }
}

/** Every request of a drill, over its windows and categories. */
export const drillTotal = (tallies: WindowTallies): Tally =>
  sumTallies(WINDOWS.flatMap((window) => Object.values(tallies[window])));

const reasonOf = (outcome: Outcome): string => ('status' in outcome ? String(outcome.status) : outcome.error);

/** The 201 body of POST /orders (docs/api/openapi.yaml): order_id, user_id, total_amount in dollars with at most 2 decimals. */
function parseOrder(text: string | undefined): { id: number; seen: SeenOrder } | undefined {
  if (text === undefined) return undefined;
  try {
    const body = JSON.parse(text) as { order_id?: unknown; user_id?: unknown; total_amount?: unknown };
    if (typeof body.order_id !== 'number' || !Number.isInteger(body.order_id)) return undefined;
    return {
      id: body.order_id,
      seen: { userId: Number(body.user_id), totalCents: Math.round(Number(body.total_amount) * 100) },
    };
  } catch {
    return undefined;
  }
}

/** Sums tallies (the categories of a window, the windows of a drill, …). */
export function sumTallies(tallies: Iterable<Tally>): Tally {
  const total = emptyTally();
  for (const tally of tallies) {
    total.requests += tally.requests;
    total.failed += tally.failed;
    for (const [reason, count] of Object.entries(tally.reasons))
      total.reasons[reason] = (total.reasons[reason] ?? 0) + count;
  }
  return total;
}
