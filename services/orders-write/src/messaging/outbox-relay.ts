import type { StoreEvent } from '@store/contracts';
import { backoffDelay } from '@store/messaging';
import {
  inSpan,
  recordSpan,
  untraced,
  withRemoteParent,
  type Logger,
  type SpanOptions,
} from '@store/observability';
import type { Database, Repositories } from '../data-access/database';

/** Publishes one event and resolves only once the broker confirmed it (see @store/messaging). */
export type PublishEvent = (event: StoreEvent) => Promise<void>;

export interface RelayOptions {
  db: Database;
  publish: PublishEvent;
  logger: Logger;
  now: () => Date;
  pollIntervalMs: number;
  batchSize: number;
  maxBackoffMs: number;
}

type Link = NonNullable<SpanOptions['links']>[number];

export type RelayEvent =
  { kind: 'published'; events: StoreEvent[] } | { kind: 'failed'; error: Error; count: number };

/**
 * The outbox relay: claims due rows (FOR UPDATE SKIP LOCKED, so one relay per replica never double-publishes),
 * publishes them with confirms while holding the claim, and marks them published in the same transaction.
 * A crash between the confirm and the commit republishes the rows: delivery is at least once and consumers
 * dedupe by event_id. A failed batch gets exponential backoff per row (attempts) and is retried later.
 *
 * Tracing: an idle poll (nothing due) makes no spans; a pass with rows is one 'outbox relay batch' span holding
 * its claim and mark statements, and each event is published in the trace of the request that wrote it.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;
  private readonly listeners = new Set<(event: RelayEvent) => void>();

  constructor(private readonly options: RelayOptions) {}

  start(): void {
    this.stopped = false;
    this.nudge();
  }

  /** Runs a pass now (after a commit) instead of waiting for the next poll. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    // A nudge comes from inside the request that committed: the pass starts from the root context, or its
    // batch span would join that one request's trace although it serves every pending row.
    this.running = withRemoteParent(undefined, () => this.loop()).finally(() => {
      this.running = undefined;
      this.schedule();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Test and metrics hook: every published batch and every failure. */
  onEvent(listener: (event: RelayEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes due rows until none are left; returns how many were published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < this.options.batchSize) return total;
    }
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.drain();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'outbox relay pass failed; will retry');
      }
    } while (this.again && !this.stopped);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.nudge(), this.options.pollIntervalMs);
    this.timer.unref();
  }

  private async publishBatch(): Promise<number> {
    const { db, now } = this.options;
    // The idle poll runs several times a second on every replica: a cheap untraced probe, so that only a
    // pass with work makes a trace (and its claim statements belong to that trace).
    const due = await untraced(() => db.read((repositories) => repositories.outbox.hasDue(now())));
    if (!due) return 0;
    const outcome = await inSpan('outbox relay batch', (batch) =>
      db.transaction((repositories) => this.claimAndPublish(repositories, { context: batch.spanContext() }), {
        readCommitted: true,
      }),
    );
    if (!outcome) return 0;
    // Emitted after the commit, so a listener never sees a row that could still roll back to unpublished.
    this.emit(outcome);
    return outcome.kind === 'published' ? outcome.events.length : 0;
  }

  private async claimAndPublish(
    repositories: Repositories,
    batchLink: Link,
  ): Promise<RelayEvent | undefined> {
    const { publish, now, batchSize } = this.options;
    const events = await repositories.outbox.claimDue(batchSize, now());
    if (events.length === 0) return undefined; // another replica claimed them between the probe and the claim
    const sequences = events.map((event) => event.sequence);
    try {
      await Promise.all(events.map((event) => publishInOrderTrace(event, batchLink, publish, now)));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      await repositories.outbox.markFailed(
        sequences,
        failure.message,
        new Date(now().getTime() + this.backoffMs()),
      );
      return { kind: 'failed', error: failure, count: events.length };
    }
    await repositories.outbox.markPublished(sequences, now());
    return { kind: 'published', events };
  }

  /**
   * Doubles with consecutive failures from 400 ms, capped; reset by the next success. No jitter (random 1): the
   * delay is written on the rows, and every replica's relay claims due rows from the same table anyway.
   */
  private failures = 0;
  private backoffMs(): number {
    this.failures++;
    const { maxBackoffMs } = this.options;
    return backoffDelay(
      this.failures,
      { initialDelayMs: Math.min(200, maxBackoffMs), maxDelayMs: maxBackoffMs },
      () => 1,
    );
  }

  private emit(event: RelayEvent): void {
    if (event.kind === 'published') this.failures = 0;
    for (const listener of this.listeners) listener(event);
  }
}

/*
 * Each event is published as a CHILD of the context stored with its row (the request that wrote the order),
 * not of the batch: one order = one trace, from the HTTP request through the time it waited in the outbox
 * ('outbox wait', from the row's created_at to now) to the publish and confirm (amqplib's publish span, whose context it
 * injects into the message headers for the projector). The batch serves many orders at once, so it cannot be
 * the parent of all of them: each 'outbox publish' span LINKS to it instead, and the shared claim and mark work
 * stays reachable from every order's trace.
 */
function publishInOrderTrace(
  event: StoreEvent,
  batchLink: Link,
  publish: PublishEvent,
  now: () => Date,
): Promise<void> {
  return withRemoteParent(event.traceparent, () => {
    const attributes = { 'messaging.message.id': event.event_id };
    recordSpan('outbox wait', new Date(event.occurred_at), now(), { attributes });
    return inSpan('outbox publish', () => publish(event), { attributes, links: [batchLink] });
  });
}
