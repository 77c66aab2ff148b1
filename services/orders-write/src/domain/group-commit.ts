import { commitBatch, type BatchDeps } from './group-commit-batch';
import type { OrderAnswer, QueuedOrder } from './group-commit-plan';
import { hashOrderRequest, type PlaceOrderCommand } from './order-idempotency';

export type { OrderAnswer } from './group-commit-plan';

/*
 * Group commit: the orders that arrive on a replica while its writer is busy are decided and written together,
 * in one transaction of two round trips (see order-batch.store.ts). Batching is natural: a free writer starts at
 * once with everything queued, so a lone order commits immediately (no added latency when unloaded), and the
 * busier the database, the larger the next batch. Measured on MariaDB 10.11 (issue 8): one writer with batches
 * of up to ~64 was best; two writers only help with smaller batches, and more writers mean more stock-row
 * contention between batches of the same replica.
 */

export interface GroupCommitOptions {
  /** The largest batch a writer takes from the queue. */
  maxBatch: number;
  /** Batches written at the same time by this replica. */
  writers: number;
  /** How long a free writer waits for more orders before writing a batch smaller than maxBatch (0: never). */
  waitMs: number;
}

export type GroupCommitDeps = BatchDeps;

/** A request's answer and the size of the batch that decided it (a span attribute of the request). */
export interface BatchedAnswer {
  answer: OrderAnswer;
  batchSize: number;
}

interface Waiting {
  order: QueuedOrder;
  taken(): void;
  resolve(answer: BatchedAnswer): void;
  reject(error: unknown): void;
}

export class OrderBatcher {
  private readonly queue: Waiting[] = [];
  private idleWriters: number;
  private waitTimer: ReturnType<typeof setTimeout> | undefined;
  private waitOver = false;
  private readonly idleListeners = new Set<() => void>();
  private readonly queuedListeners = new Set<(waiting: number) => void>();

  constructor(
    private readonly deps: GroupCommitDeps,
    private readonly options: GroupCommitOptions,
  ) {
    this.idleWriters = options.writers;
  }

  /** Queues the order; resolves with its own answer once its batch committed (or refused it). */
  place(command: PlaceOrderCommand, traceparent: string | null): Promise<BatchedAnswer> {
    return new Promise<BatchedAnswer>((resolve, reject) => {
      this.queue.push({
        order: { command, requestHash: hashOrderRequest(command), traceparent },
        taken: this.deps.telemetry.queued(traceparent),
        resolve,
        reject,
      });
      this.pump();
      for (const listener of this.queuedListeners) listener(this.queue.length);
    });
  }

  /** Orders waiting for a writer now. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Calls `listener` with the number of waiting orders after each order is queued (a hook for tests). */
  onQueued(listener: (waiting: number) => void): () => void {
    this.queuedListeners.add(listener);
    return () => this.queuedListeners.delete(listener);
  }

  /** Resolves once no order is queued or being written: the last step before the pool closes. */
  drained(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleListeners.add(resolve));
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.idleWriters === this.options.writers;
  }

  private pump(): void {
    while (this.idleWriters > 0 && this.queue.length > 0) {
      if (this.shouldWaitForMore()) return;
      const batch = this.queue.splice(0, this.options.maxBatch);
      for (const waiting of batch) waiting.taken();
      this.idleWriters--;
      void this.write(batch).finally(() => {
        this.idleWriters++;
        this.pump();
        if (this.isIdle()) for (const resolve of this.takeIdleListeners()) resolve();
      });
    }
  }

  /** With ORDER_BATCH_WAIT_MS, a batch smaller than the maximum waits that long for company, once. */
  private shouldWaitForMore(): boolean {
    if (this.options.waitMs === 0 || this.queue.length >= this.options.maxBatch || this.waitOver) {
      clearTimeout(this.waitTimer);
      this.waitTimer = undefined;
      this.waitOver = false;
      return false;
    }
    this.waitTimer ??= setTimeout(() => {
      this.waitTimer = undefined;
      this.waitOver = true;
      this.pump();
    }, this.options.waitMs);
    return true;
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      const answers = await this.deps.telemetry.runBatch(
        batch.map((waiting) => waiting.order.traceparent),
        () =>
          commitBatch(
            this.deps,
            batch.map((waiting) => waiting.order),
          ),
      );
      batch.forEach((waiting, index) =>
        waiting.resolve({ answer: answers[index]!, batchSize: batch.length }),
      );
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }

  private takeIdleListeners(): (() => void)[] {
    const listeners = [...this.idleListeners];
    this.idleListeners.clear();
    return listeners;
  }
}
