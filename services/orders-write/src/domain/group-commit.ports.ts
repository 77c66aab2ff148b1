import type { OrderData } from '@store/contracts';
import type { OrderDraft, OrderFacts } from './order-rules';
import type { OrderView } from './order-view';

/*
 * What the group commit needs from the outside world, declared by the domain and implemented in data-access
 * (order-batch.store.ts) and in the service's telemetry. Nothing here knows SQL, a driver or a tracer.
 */

/** What round trip 1 reads and locks for a batch. */
export interface BatchReads {
  userIds: number[];
  productIds: number[];
  idempotencyKeys: string[];
}

export interface StoredAnswer {
  requestHash: string;
  statusCode: number;
  body: OrderView;
}

/** The batch's facts, read in its transaction: the stock rows are locked until it ends. */
export interface BatchFacts extends OrderFacts {
  storedAnswers: Map<string, StoredAnswer>;
}

/** One accepted order as written; the database gives the id, which the store sets in payload and body. */
export interface OrderWrite {
  eventId: string;
  /** The trace context of the request that placed this order, so the relay continues that trace. */
  traceparent: string | null;
  draft: OrderDraft;
  /** The OrderCreated data, order_id still 0. */
  payload: OrderData;
  /** The 201 body, order_id still 0; stored as the response under the order's Idempotency-Key, if any. */
  view: OrderView;
  idempotency?: { key: string; requestHash: string };
}

export interface BatchWrites {
  orders: OrderWrite[];
  /** product id → units taken by the whole batch. */
  stockTaken: Map<number, number>;
  createdAt: Date;
}

/**
 * Why a store call failed, which decides what the batch does next:
 * - `conflict`: deadlock or lock wait timeout; the transaction changed nothing → retry the batch;
 * - `lost`: the connection failed before anything was written → retry the batch;
 * - `constraint`: one order broke a constraint (user deleted meanwhile, key stored by another replica) and the
 *   write was rolled back → split the batch to find the culprit;
 * - `unknown`: the write round trip was sent and no answer came back: it may have committed → ask the outbox.
 */
export type BatchFailureKind = 'conflict' | 'lost' | 'constraint' | 'unknown';

export class BatchStoreError extends Error {
  constructor(
    readonly kind: BatchFailureKind,
    /** For `constraint`: which one (a foreign key means the user or a product is gone). */
    readonly constraint: 'foreign-key' | 'duplicate' | 'other' | undefined,
    cause: unknown,
  ) {
    super(`order batch failed (${kind}): ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'BatchStoreError';
  }
}

/** What the database gave a committed order: its id and its outbox row's sequence (the event's). */
export interface CommittedIds {
  orderId: number;
  sequence: number;
}

/** An order event known to be committed, as the writer hands it to the publisher right after the COMMIT. */
export interface CommittedEvent {
  eventId: string;
  sequence: number;
  traceparent: string | null;
  /** The OrderCreated data with its order id. */
  payload: OrderData;
  createdAt: Date;
}

/** A batch transaction after round trip 1: its facts are read and its stock rows locked. */
export interface OpenBatch {
  facts: BatchFacts;
  /** Round trip 2: every write and the COMMIT; resolves with the ids of each order, in the order of `writes.orders`. */
  commit(writes: BatchWrites): Promise<CommittedIds[]>;
  /** Ends the transaction without writing (every order of the batch was refused or replayed). */
  rollback(): Promise<void>;
  /**
   * After an `unknown` failure: ends this batch's session for sure, then reads on another connection which of
   * these events committed, with their ids. Throws when that cannot be known (the database is down).
   */
  findCommitted(eventIds: string[]): Promise<Map<string, CommittedIds>>;
}

export interface OrderBatchStore {
  /** Round trip 1: begins a transaction, reads users, products and stored answers, locks the stock rows. */
  open(reads: BatchReads): Promise<OpenBatch>;
}

export type RetryReason = 'conflict' | 'lost' | 'unknown' | 'split' | 'duplicate';

/** Spans and metrics of the batches, kept out of the domain. */
export interface BatchTelemetry {
  /** Runs one batch from the queue (a root span linked to each request's span, say). */
  runBatch<T>(traceparents: (string | null)[], work: () => Promise<T>): Promise<T>;
  /** An order joined the queue; the returned function is called when a writer takes it (its wait, as a span). */
  queued(traceparent: string | null): () => void;
  /** A batch runs again; `cause` is what failed (e.g. a connection the pool could not open). */
  retried(reason: RetryReason, cause: Error): void;
  /**
   * A batch's orders are answered 503 (attempts exhausted, or the outcome of a write unknown): the client only
   * sees "try again", so the cause must reach the log here.
   */
  unavailable(orders: number, cause: Error): void;
}
