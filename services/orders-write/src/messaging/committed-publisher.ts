import { EVENT_VERSION, type StoreEvent } from '@store/contracts';
import { untraced, type Logger } from '@store/observability';
import type { Database } from '../data-access/database';
import type { CommittedEvent } from '../domain/group-commit.ports';
import { publishInOrderTrace, type PublishEvent, type RelayEvent } from './outbox-relay';

export interface CommittedPublisherOptions {
  db: Database;
  publish: PublishEvent;
  logger: Logger;
  now: () => Date;
  /** How long published events wait to be marked together (one UPDATE for all of them). */
  markIntervalMs: number;
  /** Told every marked set of events and every failed publish (the relay's listeners: tests and metrics). */
  emit: (event: RelayEvent) => void;
}

/*
 * The writer publishes the events of a batch right after its COMMIT: no claim transaction, no poll, no row read
 * back (the writer holds the events). The outbox stays the durable record: a row is marked published only after
 * the broker confirmed it, in bulk (one UPDATE per markIntervalMs for every confirmed event), and the relay's
 * sweep publishes whatever stays unmarked past its grace (OUTBOX_SWEEP_GRACE_MS) — a crash after the COMMIT, a
 * broker away, a mark lost. Delivery stays at least once: an event confirmed but not yet marked when the process
 * dies is published again by the sweep, and the projector dedupes by event id.
 */
export class CommittedPublisher {
  private readonly inFlight = new Set<Promise<void>>();
  private confirmed: StoreEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private marking: Promise<void> = Promise.resolve();

  constructor(private readonly options: CommittedPublisherOptions) {}

  /** Publishes the events now, each in the trace of the request that placed its order; never throws. */
  publish(committed: CommittedEvent[]): void {
    const events = committed.map(toEvent);
    // Called by the writer right after its COMMIT: nothing here may wait (the pool connection is back already,
    // and the next batch must not queue behind a confirm) nor throw synchronously (a closed channel does).
    const publishOne = async (event: StoreEvent) =>
      publishInOrderTrace(event, undefined, this.options.publish, this.options.now);
    const published = Promise.all(events.map(publishOne)).then(
      () => {
        this.confirmed.push(...events);
        this.timer ??= setTimeout(() => this.mark(), this.options.markIntervalMs);
      },
      (error: unknown) => {
        // The rows stay unpublished: the relay's sweep takes them after its grace, with its backoff.
        const failure = error instanceof Error ? error : new Error(String(error));
        this.options.logger.warn({ err: failure, events: events.length }, 'publish after commit failed');
        this.options.emit({ kind: 'failed', error: failure, count: events.length });
      },
    );
    this.inFlight.add(published);
    void published.finally(() => this.inFlight.delete(published));
  }

  /** Waits for the publishes in flight, then marks what they confirmed (shutdown: before the pool closes). */
  async flush(): Promise<void> {
    await Promise.all(this.inFlight);
    this.mark();
    await this.marking;
  }

  private mark(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.confirmed;
    if (events.length === 0) return;
    this.confirmed = [];
    const { db, now, logger, emit } = this.options;
    this.marking = this.marking
      .then(() =>
        untraced(() =>
          db.read((repositories) =>
            repositories.outbox.markPublishedByEventId(
              events.map((event) => event.event_id),
              now(),
            ),
          ),
        ),
      )
      .then(
        () => emit({ kind: 'published', events }),
        // Unmarked rows are published again by the sweep: a duplicate the projector drops, never a loss.
        (error: unknown) =>
          logger.warn({ err: error, events: events.length }, 'marking published rows failed'),
      );
  }
}

/** The event exactly as the relay would read it back from its row (contracts' outboxRowToEvent). */
const toEvent = (committed: CommittedEvent): StoreEvent => ({
  event_id: committed.eventId,
  type: 'OrderCreated',
  version: EVENT_VERSION,
  sequence: committed.sequence,
  occurred_at: committed.createdAt.toISOString(),
  ...(committed.traceparent ? { traceparent: committed.traceparent } : {}),
  data: committed.payload,
});
