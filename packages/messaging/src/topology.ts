import type { Channel, ChannelModel } from 'amqplib';
import {
  DEAD_LETTER_EXCHANGE,
  DEAD_LETTER_QUEUE,
  EXCHANGE,
  PROJECTOR_QUEUE,
  ROUTING_KEYS,
} from '@store/contracts';

export interface TopologyOptions {
  projectorQueue?: string;
  deadLetterQueue?: string;
  /** Overridable so tests can own a whole topology; services keep the contract's names. */
  exchange?: string;
  deadLetterExchange?: string;
}

export interface Topology {
  exchange: string;
  deadLetterExchange: string;
  projectorQueue: string;
  deadLetterQueue: string;
  /** The routing key dead letters of projectorQueue carry on the DLX (see deadLetterRoutingKey). */
  deadLetterRoutingKey: string;
}

/**
 * Dead letters are routed on the (direct) DLX by the name of the queue they died in, so each queue's
 * dead-letter queue receives only its own poison messages, and a reader of the DLQ knows where one came from.
 */
export const deadLetterRoutingKey = (queue: string): string => queue;

/**
 * Declares the whole event topology. The relay (publisher) and the projector (consumer) both call it, and
 * RabbitMQ refuses a second declaration whose arguments differ (PRECONDITION_FAILED), so every argument lives
 * here and nowhere else. All declarations are idempotent.
 */
export async function declareTopology(channel: Channel, options: TopologyOptions = {}): Promise<Topology> {
  const topology: Topology = {
    exchange: options.exchange ?? EXCHANGE,
    deadLetterExchange: options.deadLetterExchange ?? DEAD_LETTER_EXCHANGE,
    projectorQueue: options.projectorQueue ?? PROJECTOR_QUEUE,
    deadLetterQueue: options.deadLetterQueue ?? DEAD_LETTER_QUEUE,
    deadLetterRoutingKey: deadLetterRoutingKey(options.projectorQueue ?? PROJECTOR_QUEUE),
  };
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  await channel.assertExchange(topology.deadLetterExchange, 'direct', { durable: true });

  await channel.assertQueue(topology.projectorQueue, {
    durable: true,
    arguments: {
      'x-dead-letter-exchange': topology.deadLetterExchange,
      'x-dead-letter-routing-key': topology.deadLetterRoutingKey,
    },
  });
  for (const routingKey of Object.values(ROUTING_KEYS)) {
    await channel.bindQueue(topology.projectorQueue, topology.exchange, routingKey);
  }

  await channel.assertQueue(topology.deadLetterQueue, { durable: true });
  await channel.bindQueue(
    topology.deadLetterQueue,
    topology.deadLetterExchange,
    topology.deadLetterRoutingKey,
  );
  return topology;
}

/** declareTopology as an AmqpConnection.onConnected hook, on a short-lived channel of its own. */
export function topologyHook(options: TopologyOptions = {}): (model: ChannelModel) => Promise<void> {
  return async (model) => {
    const channel = await model.createChannel();
    // The failing declaration rejects with the reason; without a listener the same 'error' would crash the process.
    channel.on('error', () => undefined);
    try {
      await declareTopology(channel, options);
    } finally {
      await channel.close().catch(() => undefined); // already closed if a declaration failed
    }
  };
}
