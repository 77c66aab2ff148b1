import type { PlaceOrderCommand, PlaceOrderResult } from './order-idempotency';
import { decideInTurn, type RefusalCode } from './order-rules';
import { orderDataOf, orderViewOf } from './order-view';
import type { BatchFacts, BatchReads, BatchWrites, OrderWrite } from './group-commit.ports';

/** An order waiting in the queue, with what was captured when its request was enqueued. */
export interface QueuedOrder {
  command: PlaceOrderCommand;
  requestHash: string;
  traceparent: string | null;
}

export interface BatchRefusal {
  code: RefusalCode | 'IDEMPOTENCY_KEY_REUSED' | 'UNAVAILABLE';
  message: string;
  details?: Record<string, number>[];
}

/** Each request's own answer: its order (new or replayed) or its refusal. */
export type OrderAnswer = ({ placed: true } & PlaceOrderResult) | { placed: false; refusal: BatchRefusal };

/**
 * A batch decided against its facts: the answers known now (refusals, stored replays), the writes, and how to
 * answer the rest once the database gave the ids. `deferred` are requests that repeat the Idempotency-Key of a
 * refused request of the same batch: nothing was stored for that key, so they are decided on their own, after.
 */
export interface BatchPlan {
  writes: BatchWrites;
  deferred: number[];
  answer(orderIds: number[]): (OrderAnswer | undefined)[];
}

export const keyReused: OrderAnswer = {
  placed: false,
  refusal: {
    code: 'IDEMPOTENCY_KEY_REUSED',
    message: 'this Idempotency-Key was used with a different request',
  },
};

/** What round trip 1 must read for these orders. */
export function readsOf(orders: QueuedOrder[]): BatchReads {
  const userIds = new Set<number>();
  const productIds = new Set<number>();
  const idempotencyKeys = new Set<string>();
  for (const { command } of orders) {
    userIds.add(command.userId);
    for (const item of command.items) productIds.add(item.productId);
    if (command.idempotencyKey) idempotencyKeys.add(command.idempotencyKey);
  }
  return { userIds: [...userIds], productIds: [...productIds], idempotencyKeys: [...idempotencyKeys] };
}

/**
 * Decides a batch with the same rules as one order (decideInTurn over the running stock, in arrival order).
 * An Idempotency-Key already stored is replayed (or refused as reused); a key seen twice in the batch is written
 * once: the later request follows the first one's answer.
 */
export function planBatch(
  orders: QueuedOrder[],
  facts: BatchFacts,
  context: { now: Date; newEventId: () => string },
): BatchPlan {
  const early: (OrderAnswer | undefined)[] = new Array<OrderAnswer | undefined>(orders.length);
  const firstWithKey = new Map<string, number>();
  const deciders: number[] = [];
  const followers: { index: number; leader: number }[] = [];
  orders.forEach((order, index) => {
    const key = order.command.idempotencyKey;
    const stored = key ? facts.storedAnswers.get(key) : undefined;
    if (key && stored) {
      early[index] =
        stored.requestHash === order.requestHash
          ? { placed: true, status: stored.statusCode, order: stored.body, replayed: true }
          : keyReused;
      return;
    }
    const leader = key ? firstWithKey.get(key) : undefined;
    if (leader !== undefined) return void followers.push({ index, leader });
    if (key) firstWithKey.set(key, index);
    deciders.push(index);
  });

  const { decisions, stockTaken } = decideInTurn(
    deciders.map((index) => orders[index]!.command),
    facts,
  );
  const writes: OrderWrite[] = [];
  /** order index → position of its write */
  const writeOf = new Map<number, number>();
  decisions.forEach((decision, position) => {
    const index = deciders[position]!;
    if (!decision.accepted) return void (early[index] = { placed: false, refusal: decision.refusal });
    const order = orders[index]!;
    const key = order.command.idempotencyKey;
    writeOf.set(index, writes.length);
    writes.push({
      eventId: context.newEventId(),
      traceparent: order.traceparent,
      draft: decision.draft,
      payload: orderDataOf(0, decision.draft),
      view: orderViewOf(0, decision.draft, context.now),
      ...(key ? { idempotency: { key, requestHash: order.requestHash } } : {}),
    });
  });
  const deferred = followers.filter(({ leader }) => !writeOf.has(leader)).map(({ index }) => index);

  return {
    writes: { orders: writes, stockTaken, createdAt: context.now },
    deferred,
    answer(orderIds) {
      const views = writes.map((write, position) => ({ ...write.view, order_id: orderIds[position]! }));
      const answers = [...early];
      for (const [index, position] of writeOf) {
        answers[index] = { placed: true, status: 201, order: views[position]!, replayed: false };
      }
      for (const { index, leader } of followers) {
        const position = writeOf.get(leader);
        if (position === undefined) continue;
        answers[index] =
          orders[index]!.requestHash === orders[leader]!.requestHash
            ? { placed: true, status: 201, order: views[position]!, replayed: true }
            : keyReused;
      }
      return answers;
    },
  };
}
