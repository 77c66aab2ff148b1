import type { Pool, RowDataPacket } from 'mysql2/promise';
import { storeEventSchema, type StoreEvent } from '@store/contracts';
import { parseJsonColumn } from '@store/service-kit';
import type { EventLog } from '../domain/ports';

interface OutboxRow extends RowDataPacket {
  sequence: number | string;
  event_id: string;
  type: string;
  version: number;
  payload: unknown;
  traceparent: string | null;
  created_at: Date;
}

/**
 * The outbox kept as the event log (rows are marked published, never deleted). Read by sequence in batches:
 * unlike the relay, a replay may page by sequence, because anything that commits after the scan passed it is
 * published later and reaches the rebuilding version live (see rebuild.use-case).
 * The pool must use timezone 'Z': created_at is stored in UTC.
 */
export class OutboxLogRepository implements EventLog {
  constructor(private readonly pool: Pool) {}

  async readAfter(afterSequence: number, limit: number) {
    const [rows] = await this.pool.query<OutboxRow[]>(
      `SELECT sequence, event_id, type, version, payload, traceparent, created_at
         FROM outbox WHERE sequence > ? ORDER BY sequence LIMIT ?`,
      [afterSequence, limit],
    );
    const events: StoreEvent[] = [];
    const invalid: number[] = [];
    for (const row of rows) {
      const event = toEvent(row);
      if (event) events.push(event);
      else invalid.push(Number(row.sequence));
    }
    const lastRow = rows.at(-1);
    return { events, invalid, last: lastRow ? Number(lastRow.sequence) : null };
  }
}

function toEvent(row: OutboxRow): StoreEvent | null {
  let data: unknown;
  try {
    data = parseJsonColumn(row.payload);
  } catch {
    return null;
  }
  const parsed = storeEventSchema.safeParse({
    event_id: row.event_id,
    type: row.type,
    version: row.version,
    sequence: Number(row.sequence),
    occurred_at: row.created_at.toISOString(),
    ...(row.traceparent === null ? {} : { traceparent: row.traceparent }),
    data,
  });
  return parsed.success ? parsed.data : null;
}
