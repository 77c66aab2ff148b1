import { PROJECTOR_QUEUE_SETTINGS, ROUTING_KEYS, type StoreEvent } from '@store/contracts';
import { AmqpConnection, ConfirmPublisher, topologyHook } from '@store/messaging';
import type { Histogram, Logger } from '@store/observability';
import type { Config } from '../config';
import type { PublishEvent } from './outbox-relay';

export interface RelayBroker {
  /** Publishes one event; resolves once the broker confirmed it. */
  publish: PublishEvent;
  ready: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * The relay's side of RabbitMQ. The service starts even while the broker is away: rows wait in the outbox, the
 * connection retries with backoff, and /health/ready says what is missing. No trace header is set here: the
 * amqplib instrumentation injects the active context (the order's, see outbox-relay.ts) into the headers.
 */
export async function connectRelayBroker(
  config: Config,
  deps: { logger: Logger; publishDuration: Histogram },
): Promise<RelayBroker> {
  const connection = new AmqpConnection({
    url: config.AMQP_URL,
    logger: deps.logger,
    name: 'orders-write relay',
  });
  await connection.onConnected(
    topologyHook({
      exchange: config.EVENTS_EXCHANGE,
      queue: config.PROJECTOR_QUEUE,
      deadLetterQueue: config.DEAD_LETTER_QUEUE,
      deliveryLimit: config.PROJECTOR_DELIVERY_LIMIT,
      settingNames: PROJECTOR_QUEUE_SETTINGS,
    }),
  );
  connection.start();
  const publisher = new ConfirmPublisher(connection, {
    logger: deps.logger,
    confirmTimeoutMs: config.OUTBOX_CONFIRM_TIMEOUT_MS,
  });

  const publish = async (event: StoreEvent): Promise<void> => {
    const confirmed = deps.publishDuration.startTimer();
    await publisher.publish(
      config.EVENTS_EXCHANGE,
      ROUTING_KEYS[event.type],
      Buffer.from(JSON.stringify(event)),
      {
        messageId: event.event_id,
        type: event.type,
        timestamp: Math.floor(Date.parse(event.occurred_at) / 1000),
      },
    );
    confirmed(); // only confirmed publishes: a failure's duration is the timeout, not the broker's latency
  };

  return {
    publish,
    ready: () =>
      connection.isConnected() ? Promise.resolve() : Promise.reject(new Error('not connected to RabbitMQ')),
    close: async () => {
      await publisher.close();
      await connection.close();
    },
  };
}
