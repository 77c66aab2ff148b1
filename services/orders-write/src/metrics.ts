import { Counter, Gauge, type Registry } from '@store/observability';

/** Domain metrics of orders-write, registered beside the RED metrics on the service's registry. */
export function createWriteMetrics(registry: Registry) {
  return {
    // Kept from the reference lab: one increment per POST /orders, whatever the outcome.
    ordersTotal: new Counter({ name: 'orders_total', help: 'POST /orders requests', registers: [registry] }),
    dbQueries: new Counter({
      name: 'db_queries_total',
      help: 'SQL statements sent to MySQL, by kind (the N+1 experiment shows here)',
      labelNames: ['statement'] as const,
      registers: [registry],
    }),
    outboxPublished: new Counter({
      name: 'outbox_published_total',
      help: 'Outbox events published and confirmed by the broker',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    outboxPublishFailures: new Counter({
      name: 'outbox_publish_failures_total',
      help: 'Outbox batches that failed to publish (retried with backoff)',
      registers: [registry],
    }),
    outboxPending: new Gauge({
      name: 'outbox_pending_rows',
      help: 'Outbox rows not yet published',
      registers: [registry],
    }),
    outboxOldestAge: new Gauge({
      name: 'outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest unpublished outbox row',
      registers: [registry],
    }),
  };
}

export type WriteMetrics = ReturnType<typeof createWriteMetrics>;

/** "select", "insert", "update", "delete", "begin", "commit", ... */
export const statementKind = (sql: string): string => /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? 'other';
