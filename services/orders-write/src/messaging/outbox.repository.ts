import { randomUUID } from 'node:crypto';
import { raw } from '@mikro-orm/core';
import type { OrderData, OutboxRow, StoreEvent, StoreEventType } from '@store/contracts';
import { EVENT_VERSION, OUTBOX_EVENT_COLUMNS, outboxRowToEvent } from '@store/contracts';
import { activeTraceparent } from '@store/observability';
import type { EntityManager } from '../data-access/orm';
import { OutboxEntry } from '../data-access/entities';

export interface PendingEvent {
  type: StoreEventType;
  data: OrderData;
}

/**
 * The outbox table is the event log (eShop's IntegrationEventLog, plus the relay it lacks): use cases append
 * events in their own transaction; the relay claims, publishes and marks them. Rows are never deleted.
 */
export class OutboxRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Appends events in the caller's transaction. Each row keeps the trace context active while it is written
   * (the HTTP request's span under the OTel SDK), so the relay can publish it in the same trace.
   */
  async append(events: PendingEvent[], now: Date): Promise<void> {
    if (events.length === 0) return;
    const traceparent = activeTraceparent() ?? null;
    await this.em.insertMany(
      OutboxEntry,
      events.map((event) => ({
        eventId: randomUUID(),
        type: event.type,
        version: EVENT_VERSION,
        payload: event.data,
        traceparent,
        createdAt: now,
        publishedAt: null,
        attempts: 0,
        nextAttemptAt: null,
        lastError: null,
      })),
    );
  }

  /**
   * Claims up to `limit` unpublished rows that are due, oldest first. `FOR UPDATE SKIP LOCKED` lets relays in
   * every replica run at once: each claims rows nobody else holds, and the locks last until the caller's
   * transaction ends. Never "sequence > last published": ids commit out of order, a high-water mark would skip.
   * The relay's statements are plain SQL through em.execute (same transaction): the profile of a drain showed
   * entity hydration and the unit of work costing more CPU than the publishing itself.
   * Rows become events through the contract's one mapping (the projector's replay uses it too); a row it
   * refuses is never published: it stays pending with the reason in last_error (outbox_pending_rows shows it)
   * and is looked at again after INVALID_ROW_RETRY_MS, in case someone repaired it.
   */
  async claimDue(
    limit: number,
    now: Date,
    window: DueWindow = { createdBefore: now },
  ): Promise<StoreEvent[]> {
    const due = dueRows(now, window);
    const rows = await this.em.execute<OutboxRow[]>(
      `select ${OUTBOX_EVENT_COLUMNS} from outbox
       where ${due.sql} order by sequence limit ? for update skip locked`,
      [...due.values, limit],
    );
    const events: StoreEvent[] = [];
    for (const row of rows) {
      const mapped = outboxRowToEvent(row);
      if (mapped.ok) events.push(mapped.event);
      else
        await this.markFailed(
          [Number(row.sequence)],
          mapped.reason,
          new Date(now.getTime() + INVALID_ROW_RETRY_MS),
        );
    }
    return events;
  }

  /** Whether any row is due, without locking anything: the relay's cheap idle poll. */
  async hasDue(now: Date, window: DueWindow = { createdBefore: now }): Promise<boolean> {
    const due = dueRows(now, window);
    const rows = await this.em.execute<unknown[]>(
      `select 1 from outbox where ${due.sql} limit 1`,
      due.values,
    );
    return rows.length > 0;
  }

  /**
   * Marks rows the writer published itself (committed-publisher.ts), by event id, in one statement. Rows the
   * sweep took meanwhile are published already: `published_at is null` leaves them as they are.
   */
  async markPublishedByEventId(eventIds: string[], now: Date): Promise<void> {
    if (eventIds.length === 0) return;
    await this.em.execute(
      'update outbox set published_at = ?, attempts = attempts + 1 where event_id in (?) and published_at is null',
      [now, eventIds],
      'run',
    );
  }

  /** One UPDATE for the whole batch. */
  async markPublished(sequences: number[], now: Date): Promise<void> {
    if (sequences.length === 0) return;
    await this.em.execute(
      'update outbox set published_at = ?, last_error = null, attempts = attempts + 1 where sequence in (?)',
      [now, sequences],
      'run',
    );
  }

  async markFailed(sequences: number[], error: string, retryAt: Date): Promise<void> {
    if (sequences.length === 0) return;
    await this.em.nativeUpdate(
      OutboxEntry,
      { sequence: { $in: sequences } },
      { lastError: error.slice(0, 500), nextAttemptAt: retryAt, attempts: raw('attempts + 1') },
    );
  }

  /** Unpublished rows and the age of the oldest, for the relay's gauges. */
  async backlog(now: Date): Promise<{ pending: number; oldestAgeSeconds: number }> {
    const [row] = await this.em.execute<{ pending: number; oldest: Date | string | null }[]>(
      'select count(*) as pending, min(created_at) as oldest from outbox where published_at is null',
    );
    const oldest = row?.oldest ? utcDate(row.oldest).getTime() : now.getTime();
    return {
      pending: Number(row?.pending ?? 0),
      oldestAgeSeconds: Math.max(0, (now.getTime() - oldest) / 1000),
    };
  }
}

/** A row that is not a valid event waits this long before the relay looks at it again. */
const INVALID_ROW_RETRY_MS = 3_600_000;

/**
 * Unpublished, not waiting out a backoff (parameter: now) and written before the given time (the sweep's grace,
 * which leaves the rows a writer is publishing itself to that writer); the index on (published_at, sequence)
 * serves it.
 */
/**
 * Which pending rows a pass may take: those created before `createdBefore` and, younger ones, only those not of
 * `youngerExceptType` when it is given (rows of that type are being published by the writer that committed them).
 */
export interface DueWindow {
  createdBefore: Date;
  youngerExceptType?: StoreEvent['type'];
}

const PENDING = 'published_at is null and (next_attempt_at is null or next_attempt_at <= ?)';
function dueRows(now: Date, { createdBefore, youngerExceptType }: DueWindow) {
  return youngerExceptType === undefined
    ? { sql: `${PENDING} and created_at <= ?`, values: [now, createdBefore] }
    : {
        sql: `${PENDING} and (created_at <= ? or type <> ?)`,
        values: [now, createdBefore, youngerExceptType],
      };
}

/** MikroORM asks mysql2 for dateStrings: DATETIME comes back as 'YYYY-MM-DD hh:mm:ss.mmm', in UTC. */
const utcDate = (value: Date | string): Date =>
  value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
