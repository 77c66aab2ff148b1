import { ROUTING_KEYS, type StoreEvent } from '@store/contracts';
import { AmqpConnection, ConfirmPublisher, topologyHook } from '@store/messaging';
import type { Logger } from '@store/observability';
import type { Config } from '../config';
import type { Database } from '../data-access/database';
import type { WriteMetrics } from '../metrics';
import { OutboxRelay } from './outbox-relay';

export interface RunningRelay {
  relay: OutboxRelay;
  ready(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Connects the outbox relay to RabbitMQ. The service starts even while the broker is away: rows wait in the
 * outbox, the connection retries with backoff, and /health/ready says what is missing.
 */
export async function startRelay(
  config: Config,
  deps: { db: Database; logger: Logger; metrics: WriteMetrics },
): Promise<RunningRelay> {
  const connection = new AmqpConnection({
    url: config.AMQP_URL,
    logger: deps.logger,
    name: 'orders-write relay',
  });
  await connection.onConnected(
    topologyHook({
      exchange: config.EVENTS_EXCHANGE,
      projectorQueue: config.PROJECTOR_QUEUE,
      deadLetterQueue: config.DEAD_LETTER_QUEUE,
    }),
  );
  connection.start();
  const publisher = new ConfirmPublisher(connection, {
    logger: deps.logger,
    confirmTimeoutMs: config.OUTBOX_CONFIRM_TIMEOUT_MS,
  });
  const publish = (event: StoreEvent) =>
    publisher.publish(config.EVENTS_EXCHANGE, ROUTING_KEYS[event.type], Buffer.from(JSON.stringify(event)), {
      messageId: event.event_id,
      type: event.type,
      timestamp: Math.floor(Date.parse(event.occurred_at) / 1000),
      ...(event.traceparent ? { headers: { traceparent: event.traceparent } } : {}),
    });

  const relay = new OutboxRelay({
    db: deps.db,
    logger: deps.logger,
    now: () => new Date(),
    publish,
    pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    batchSize: config.OUTBOX_BATCH_SIZE,
    maxBackoffMs: config.OUTBOX_MAX_BACKOFF_MS,
  });
  relay.onEvent((event) => {
    if (event.kind === 'failed') deps.metrics.outboxPublishFailures.inc();
    else for (const published of event.events) deps.metrics.outboxPublished.inc({ type: published.type });
  });
  const backlogTimer = setInterval(() => {
    deps.db
      .read((repositories) => repositories.outbox.backlog(new Date()))
      .then(({ pending, oldestAgeSeconds }) => {
        deps.metrics.outboxPending.set(pending);
        deps.metrics.outboxOldestAge.set(oldestAgeSeconds);
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'outbox backlog query failed'));
  }, 5000);
  backlogTimer.unref();
  relay.start();

  return {
    relay,
    ready: () =>
      connection.isConnected() ? Promise.resolve() : Promise.reject(new Error('not connected to RabbitMQ')),
    stop: async () => {
      clearInterval(backlogTimer);
      await relay.stop();
      await publisher.close();
      await connection.close();
    },
  };
}
