import { planBatch, readsOf, type OrderAnswer, type QueuedOrder } from './group-commit-plan';
import {
  BatchStoreError,
  type BatchTelemetry,
  type BatchWrites,
  type CommittedEvent,
  type CommittedIds,
  type OrderBatchStore,
  type RetryReason,
} from './group-commit.ports';

/*
 * One batch, from its facts to every request's answer, and what a failure means. The rule throughout: an order
 * is answered 201 only once its rows are known to be committed, and a batch is run again only when it is known
 * that nothing of it committed. A failure whose outcome cannot be learnt answers 503 and retries nothing.
 */

export interface BatchDeps {
  store: OrderBatchStore;
  telemetry: BatchTelemetry;
  now: () => Date;
  newEventId: () => string;
  /** Runs of one batch (the first included) before its orders are answered 503. */
  maxAttempts: number;
  /**
   * Told the events of a batch as soon as they are known to be committed (the writer publishes them at once;
   * the outbox rows stay the durable record until they are marked published).
   */
  committed?: (events: CommittedEvent[]) => void;
}

const unavailable = (message: string): OrderAnswer => ({
  placed: false,
  refusal: { code: 'UNAVAILABLE', message },
});

/** Whether the outcome of a write could not be learnt: then nothing may be retried. */
class OutcomeUnknown extends Error {
  constructor(cause: unknown) {
    super('the outcome of the batch write could not be learnt', { cause });
    this.name = 'OutcomeUnknown';
  }
}

export async function commitBatch(deps: BatchDeps, orders: QueuedOrder[]): Promise<OrderAnswer[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptBatch(deps, orders);
    } catch (error) {
      if (error instanceof OutcomeUnknown) {
        deps.telemetry.unavailable(orders.length, error);
        return orders.map(() => unavailable('the database did not say whether the order was stored'));
      }
      if (!(error instanceof BatchStoreError)) throw error;
      if (error.kind === 'constraint') {
        if (orders.length > 1) {
          deps.telemetry.retried('split', error);
          return splitBatch(deps, orders);
        }
        // A batch of one: the culprit is known. A foreign key means its user (or a product) went away; a
        // duplicate key means another replica stored its Idempotency-Key meanwhile: the next run replays it.
        if (error.constraint === 'foreign-key') {
          return [
            {
              placed: false,
              refusal: {
                code: 'UNKNOWN_USER',
                message: 'the user or a product was deleted while the order was placed',
              },
            },
          ];
        }
      }
      if (attempt >= deps.maxAttempts) {
        deps.telemetry.unavailable(orders.length, error);
        return orders.map(() => unavailable('the database is too busy; try again'));
      }
      deps.telemetry.retried(retryReason(error), error);
    }
  }
}

const retryReason = (error: BatchStoreError): RetryReason =>
  error.kind === 'constraint' ? 'duplicate' : error.kind;

/** One order at a time, each in a batch of its own: only the order that breaks a constraint fails. */
async function splitBatch(deps: BatchDeps, orders: QueuedOrder[]): Promise<OrderAnswer[]> {
  const answers: OrderAnswer[] = [];
  for (const order of orders) answers.push(...(await commitBatch(deps, [order])));
  return answers;
}

async function attemptBatch(deps: BatchDeps, orders: QueuedOrder[]): Promise<OrderAnswer[]> {
  const open = await deps.store.open(readsOf(orders));
  let plan: ReturnType<typeof planBatch>;
  try {
    plan = planBatch(orders, open.facts, { now: deps.now(), newEventId: deps.newEventId });
  } catch (error) {
    await open.rollback();
    throw error;
  }
  const { writes } = plan;
  let ids: CommittedIds[] = [];
  if (writes.orders.length === 0) {
    await open.rollback();
  } else {
    try {
      ids = await open.commit(writes);
    } catch (error) {
      if (!(error instanceof BatchStoreError) || error.kind !== 'unknown') throw error;
      ids = await idsIfCommitted(
        open,
        writes.orders.map((write) => write.eventId),
        error,
      );
    }
    handOver(deps, committedEvents(writes, ids));
  }
  const answers = plan.answer(ids.map((id) => id.orderId));
  if (plan.deferred.length > 0) {
    const later = await commitBatch(
      deps,
      plan.deferred.map((index) => orders[index]!),
    );
    plan.deferred.forEach((index, position) => (answers[index] = later[position]));
  }
  return answers.map((answer) => answer ?? unavailable('the order was not decided'));
}

/**
 * The write round trip was sent and no answer came: the batch committed whole or not at all. The order ids are
 * then read back from the outbox payloads (the store set them from the inserted ids).
 */
async function idsIfCommitted(
  open: { findCommitted(eventIds: string[]): Promise<Map<string, CommittedIds>> },
  eventIds: string[],
  failure: BatchStoreError,
): Promise<CommittedIds[]> {
  let committed: Map<string, CommittedIds>;
  try {
    committed = await open.findCommitted(eventIds);
  } catch (error) {
    throw new OutcomeUnknown(new AggregateError([failure, error], failure.message));
  }
  if (committed.size === 0) throw failure;
  if (committed.size !== eventIds.length) throw new OutcomeUnknown(failure);
  return eventIds.map((eventId) => committed.get(eventId)!);
}

/**
 * The orders are committed whatever happens to their events now: a publisher that throws must not turn them
 * into a failure (nor run the batch again). Its rows stay unpublished and the relay's sweep takes them.
 */
function handOver(deps: BatchDeps, events: CommittedEvent[]): void {
  try {
    deps.committed?.(events);
  } catch {
    // The publisher reports its own failures; the outbox rows are the safety net.
  }
}

/** The batch's events as they were committed: the payloads with their order ids, the rows' sequences. */
const committedEvents = (writes: BatchWrites, ids: CommittedIds[]): CommittedEvent[] =>
  writes.orders.map((order, i) => ({
    eventId: order.eventId,
    sequence: ids[i]!.sequence,
    traceparent: order.traceparent,
    payload: { ...order.payload, order_id: ids[i]!.orderId },
    createdAt: writes.createdAt,
  }));
