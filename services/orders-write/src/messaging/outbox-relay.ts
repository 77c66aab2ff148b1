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
import type { CommittedEvent } from '../domain/group-commit.ports';
import { CommittedPublisher } from './committed-publisher';
import type { DueWindow } from './outbox.repository';

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
  /** A poll (not a nudge) leaves rows younger than this to the writer publishing them (committed-publisher.ts). */
  sweepGraceMs: number;
  /**
   * The group commit's writers publish the orders they commit: a nudge (a delete's) then leaves young
   * OrderCreated rows to them too, or it would claim, and publish a second time, what a writer is publishing.
   */
  writersPublishOrders: boolean;
  /** How long events the writer published wait to be marked together. */
  markIntervalMs: number;
}

type Link = NonNullable<SpanOptions['links']>[number];

export type RelayEvent =
  { kind: 'published'; events: StoreEvent[] } | { kind: 'failed'; error: Error; count: number };

/**
 * The outbox relay. With the group commit, the writer publishes a batch's events itself right after its COMMIT
 * (publishCommitted, see committed-publisher.ts) and the relay is the sweep behind it: its poll publishes only
 * rows left unpublished past sweepGraceMs. The per-order path and the deletes nudge it after their commit
 * instead, and a nudged pass takes every due row at once, but the young orders a writer is publishing. A pass claims due rows (FOR UPDATE SKIP LOCKED, so one relay per replica never double-publishes),
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
  private readonly committed: CommittedPublisher;
  /** Whether the pass running now was asked by a nudge (all due rows) or by the poll (past the grace only). */
  private nudged = false;

  constructor(private readonly options: RelayOptions) {
    this.committed = new CommittedPublisher({ ...options, emit: (event) => this.emit(event) });
  }

  /** Publishes the events of a batch that just committed, without a claim (the writer holds them). */
  publishCommitted(events: CommittedEvent[]): void {
    if (!this.stopped) this.committed.publish(events);
  }

  start(): void {
    this.stopped = false;
    this.nudge();
  }

  /** Runs a pass now (after a commit) instead of waiting for the next poll. */
  nudge(): void {
    this.pass(true);
  }

  private pass(nudged: boolean): void {
    if (this.stopped) return;
    this.nudged ||= nudged;
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
    await this.committed.flush();
  }

  /** Test and metrics hook: every published batch and every failure. */
  onEvent(listener: (event: RelayEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes due rows (by default however young) until none are left; returns how many were published. */
  async drain(window: () => DueWindow = () => ({ createdBefore: this.options.now() })): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch(window());
      total += published;
      if (published < this.options.batchSize) return total;
    }
  }

  /** A poll sweeps what is past the grace; a nudge takes every due row but those a writer is publishing. */
  private window(nudged: boolean): DueWindow {
    const { now, sweepGraceMs, writersPublishOrders } = this.options;
    if (nudged && !writersPublishOrders) return { createdBefore: now() };
    const createdBefore = new Date(now().getTime() - sweepGraceMs);
    return nudged ? { createdBefore, youngerExceptType: 'OrderCreated' } : { createdBefore };
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      const nudged = this.nudged;
      this.nudged = false;
      try {
        await this.drain(() => this.window(nudged));
      } catch (error) {
        this.options.logger.warn({ err: error }, 'outbox relay pass failed; will retry');
      }
    } while (this.again && !this.stopped);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.pass(false), this.options.pollIntervalMs);
    this.timer.unref();
  }

  private async publishBatch(window: DueWindow): Promise<number> {
    const { db, now } = this.options;
    // The idle poll runs on every replica all the time: a cheap untraced probe, so that only a pass with work
    // makes a trace (and its claim statements belong to that trace).
    const due = await untraced(() => db.read((repositories) => repositories.outbox.hasDue(now(), window)));
    if (!due) return 0;
    const outcome = await inSpan('outbox relay batch', (batch) =>
      db.transaction(
        (repositories) => this.claimAndPublish(repositories, { context: batch.spanContext() }, window),
        { readCommitted: true },
      ),
    );
    if (!outcome) return 0;
    // Emitted after the commit, so a listener never sees a row that could still roll back to unpublished.
    this.emit(outcome);
    return outcome.kind === 'published' ? outcome.events.length : 0;
  }

  private async claimAndPublish(
    repositories: Repositories,
    batchLink: Link,
    window: DueWindow,
  ): Promise<RelayEvent | undefined> {
    const { publish, now, batchSize } = this.options;
    const events = await repositories.outbox.claimDue(batchSize, now(), window);
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
 * stays reachable from every order's trace. A writer publishing its own batch (no claim) has no batch to link.
 */
export function publishInOrderTrace(
  event: StoreEvent,
  batchLink: Link | undefined,
  publish: PublishEvent,
  now: () => Date,
): Promise<void> {
  return withRemoteParent(event.traceparent, () => {
    const attributes = { 'messaging.message.id': event.event_id };
    recordSpan('outbox wait', new Date(event.occurred_at), now(), { attributes });
    return inSpan('outbox publish', () => publish(event), {
      attributes,
      ...(batchLink ? { links: [batchLink] } : {}),
    });
  });
}
