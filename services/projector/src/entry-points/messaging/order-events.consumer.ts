import { PROJECTOR_QUEUE_SETTINGS, storeEventSchema, type StoreEvent } from '@store/contracts';
import {
  jsonMessageParser,
  startConsumer,
  topologyHook,
  type AmqpConnection,
  type Consumer,
} from '@store/messaging';
import { inSpan, linkTo, type Logger } from '@store/observability';
import type { Config } from '../../config';
import { apply } from '../../domain/projection';
import type { ProjectionWriter } from '../../domain/ports';
import type { ProjectorMetrics } from '../../metrics';

export interface OrderEventsConsumerDeps {
  metrics: ProjectorMetrics;
  logger: Logger;
  now?: () => number;
}

/*
 * Order events → Redis, in batches: the messages ready together are applied in ONE script call (see
 * apply-event.lua.ts), then acked at once. Parse failures (not JSON, not a valid event) are poison and go to
 * the dead-letter queue with the reason; a Redis failure throws out of the handler, so the runner retries the
 * whole batch with backoff and nothing is acked before its script has run. Duplicates are acked: the dedup key
 * already did its job.
 *
 * Tracing: the runner calls us in the context of the batch's first message (amqplib's consume span), so for a
 * lone message the Redis call is a child of its consume span; 'apply events' links to the others' spans.
 */
export async function startOrderEventsConsumer(
  connection: AmqpConnection,
  config: Pick<
    Config,
    | 'EVENTS_EXCHANGE'
    | 'PROJECTOR_QUEUE'
    | 'DEAD_LETTER_QUEUE'
    | 'PROJECTOR_DELIVERY_LIMIT'
    | 'PREFETCH'
    | 'RETRY_MAX_DELAY_MS'
  >,
  writer: ProjectionWriter,
  deps: OrderEventsConsumerDeps,
): Promise<Consumer<StoreEvent>> {
  const { metrics } = deps;
  const now = deps.now ?? Date.now;
  // Registered before the consumer so that, on every (re)connect, the queue exists before we subscribe to it.
  await connection.onConnected(
    topologyHook({
      exchange: config.EVENTS_EXCHANGE,
      queue: config.PROJECTOR_QUEUE,
      deadLetterQueue: config.DEAD_LETTER_QUEUE,
      deliveryLimit: config.PROJECTOR_DELIVERY_LIMIT,
      settingNames: PROJECTOR_QUEUE_SETTINGS,
    }),
  );
  const consumer = await startConsumer<StoreEvent>(connection, {
    queue: config.PROJECTOR_QUEUE,
    prefetch: config.PREFETCH,
    retry: { maxDelayMs: config.RETRY_MAX_DELAY_MS },
    logger: deps.logger,
    parse: jsonMessageParser<StoreEvent>(storeEventSchema),
    handleBatch: async (items) => {
      const events = items.map((item) => item.message);
      const outcomes = await inSpan('apply events', () => writer.applyLive(events.map(apply)), {
        attributes: { 'messaging.batch.message_count': items.length },
        links: items.slice(1).flatMap((item) => linkTo(item.traceContext)),
      });
      const appliedAt = now();
      events.forEach((event, i) => {
        if (outcomes[i] === 'duplicate') return metrics.duplicates.inc();
        metrics.applied.inc({ type: event.type });
        metrics.lag.observe(Math.max(0, (appliedAt - Date.parse(event.occurred_at)) / 1000));
      });
    },
  });
  consumer.on('dead-letter', () => metrics.deadLettered.inc());
  return consumer;
}

/** Readiness: connected to RabbitMQ and subscribed to the queue. */
export const consumingCheck =
  (connection: AmqpConnection, consumer: Consumer<StoreEvent>) => (): Promise<void> =>
    connection.isConnected() && consumer.isConsuming()
      ? Promise.resolve()
      : Promise.reject(new Error('not consuming from RabbitMQ'));
