import { storeEventSchema, type StoreEvent } from '@store/contracts';
import {
  jsonMessageParser,
  startConsumer,
  topologyHook,
  type AmqpConnection,
  type Consumer,
} from '@store/messaging';
import type { Logger } from '@store/observability';
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
 * Order events → Redis. Parse failures (not JSON, not a valid event) are poison and go to the dead-letter
 * queue with the reason; a Redis failure throws out of `handle`, so the runner retries with backoff and the
 * message is never acked before its Lua script has run. Duplicates are acked: the dedup key already did its job.
 */
export async function startOrderEventsConsumer(
  connection: AmqpConnection,
  config: Pick<
    Config,
    'EVENTS_EXCHANGE' | 'PROJECTOR_QUEUE' | 'DEAD_LETTER_QUEUE' | 'PREFETCH' | 'RETRY_MAX_DELAY_MS'
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
      projectorQueue: config.PROJECTOR_QUEUE,
      deadLetterQueue: config.DEAD_LETTER_QUEUE,
    }),
  );
  const consumer = await startConsumer<StoreEvent>(connection, {
    queue: config.PROJECTOR_QUEUE,
    prefetch: config.PREFETCH,
    retry: { maxDelayMs: config.RETRY_MAX_DELAY_MS },
    logger: deps.logger,
    parse: jsonMessageParser<StoreEvent>(storeEventSchema),
    handle: async (event) => {
      const outcome = await writer.applyLive(apply(event));
      if (outcome === 'duplicate') {
        metrics.duplicates.inc();
        return;
      }
      metrics.applied.inc({ type: event.type });
      metrics.lag.observe(Math.max(0, (now() - Date.parse(event.occurred_at)) / 1000));
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
