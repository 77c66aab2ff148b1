import { Counter, Gauge, Histogram, type Registry } from '@store/observability';

/**
 * Every metric name of orders-write, registered beside service-kit's HTTP RED histogram on the service's
 * registry. Dashboards and alerts depend on these names: rename here only, and update them together.
 */
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
      name: 'outbox_pending_events',
      help: 'Outbox events not yet published (refreshed every few seconds)',
      registers: [registry],
    }),
    outboxOldestAge: new Gauge({
      name: 'outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest unpublished outbox event (0 when none is pending)',
      registers: [registry],
    }),
    orderBatchSize: new Histogram({
      name: 'order_batch_size',
      help: 'Orders per group-commit batch taken from the queue (1 when unloaded)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    orderBatchRetries: new Counter({
      name: 'order_batch_retries_total',
      help: 'Group-commit batches run again (conflict, lost, unknown, duplicate) or split one order at a time (split)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    relayPublishDuration: new Histogram({
      name: 'relay_publish_duration_seconds',
      help: 'Per event, from the relay publish call to the broker confirm',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

export type WriteMetrics = ReturnType<typeof createWriteMetrics>;

/** "select", "insert", "update", "delete", "begin", "start", "set", "commit", ... (one statement of a batch each). */
export const statementKind = (sql: string): string => /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? 'other';
