import { z } from 'zod';
import { storeEventSchema, type StoreEvent } from './events';

/*
 * The outbox table as the event log, between orders-write (which appends rows in the order's transaction and
 * relays them to RabbitMQ) and the projector (which replays them to rebuild its projection). Both read rows
 * with OUTBOX_EVENT_COLUMNS and turn each into the event with outboxEventSchema: one mapping, so an event
 * replayed from the log is exactly the event that was published. A row it refuses is not an event: the relay
 * never publishes it and a replay skips it (both say so).
 */
export const OUTBOX_TABLE = 'outbox';

/** The columns a row → event mapping needs, in the order the readers select them. */
export const OUTBOX_EVENT_COLUMNS = 'sequence, event_id, type, version, payload, traceparent, created_at';

/** created_at is DATETIME(3) in UTC: mysql2 gives a Date (pool timezone 'Z') or, with dateStrings (MikroORM), text. */
const utcDateTime = z.union([
  z.date(),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$/, 'a DATETIME in UTC')
    .transform((text) => new Date(`${text.replace(' ', 'T')}Z`)),
]);

/** JSON column: MariaDB's JSON is LONGTEXT, so drivers hand back text there, and a parsed value on MySQL 8. */
const jsonColumn = z.unknown().transform((value, context) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    context.addIssue({ code: 'custom', message: 'payload is not JSON' });
    return z.NEVER;
  }
});

/** One outbox row as a driver returns it (BIGINT sequence may come back as text). */
export const outboxRowSchema = z.object({
  sequence: z.coerce.number().int().positive(),
  event_id: z.string(),
  type: z.string(),
  version: z.coerce.number().int(),
  payload: jsonColumn,
  traceparent: z.string().nullable(),
  created_at: utcDateTime,
});

export type OutboxRow = z.input<typeof outboxRowSchema>;

/** Row → the published event envelope (the envelope of events.ts): the sequence is the row's, occurred_at its commit time. */
export const outboxEventSchema = outboxRowSchema
  .transform((row) => ({
    event_id: row.event_id,
    type: row.type,
    version: row.version,
    sequence: row.sequence,
    occurred_at: row.created_at.toISOString(),
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
    data: row.payload,
  }))
  .pipe(storeEventSchema);

export type OutboxEventResult = { ok: true; event: StoreEvent } | { ok: false; reason: string };

/** The row's event, or why the row is not one (zod's messages name fields and types, never the values). */
export function outboxRowToEvent(row: unknown): OutboxEventResult {
  const parsed = outboxEventSchema.safeParse(row);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`);
  return { ok: false, reason: `not a valid event: ${issues.join('; ')}` };
}
