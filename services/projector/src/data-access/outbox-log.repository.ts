import type { Pool, RowDataPacket } from 'mysql2/promise';
import { OUTBOX_EVENT_COLUMNS, OUTBOX_TABLE, outboxRowToEvent, type StoreEvent } from '@store/contracts';
import type { EventLog } from '../domain/ports';

/**
 * The outbox kept as the event log (rows are marked published, never deleted), read through the contract's
 * row → event mapping, the one the relay publishes with. Read by sequence in batches: unlike the relay, a
 * replay may page by sequence, because anything that commits after the scan passed it is published later and
 * reaches the rebuilding version live (see rebuild.use-case).
 */
export class OutboxLogRepository implements EventLog {
  constructor(private readonly pool: Pool) {}

  async readAfter(afterSequence: number, limit: number) {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT ${OUTBOX_EVENT_COLUMNS} FROM ${OUTBOX_TABLE} WHERE sequence > ? ORDER BY sequence LIMIT ?`,
      [afterSequence, limit],
    );
    const events: StoreEvent[] = [];
    const invalid: number[] = [];
    for (const row of rows) {
      const mapped = outboxRowToEvent(row);
      if (mapped.ok) events.push(mapped.event);
      else invalid.push(Number(row.sequence));
    }
    const lastRow = rows.at(-1);
    return { events, invalid, last: lastRow ? Number(lastRow.sequence) : null };
  }
}
