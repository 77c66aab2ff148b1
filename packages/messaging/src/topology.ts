import type { Channel, ChannelModel } from 'amqplib';
import { SetupError } from './amqp-connection';
import { DEAD_LETTER_EXCHANGE, EXCHANGE, ROUTING_KEYS } from '@store/contracts';

/**
 * How many times the consumer's queue delivers one message before dead-lettering it (reason `delivery_limit`).
 * The consumer retries transient failures in process without returning the message, so only a consumer that dies
 * holding it (kill -9, OOM, a lost channel) counts: 20 such deaths for ONE message means that message is what kills
 * the consumer, and parking it beats a crash loop. Crashes that are not its fault each cost one (a kill -9 of the
 * consumer returns its whole prefetch window), hence room for many.
 */
export const DEFAULT_DELIVERY_LIMIT = 20;

/** The settings an operator changes, named in the advice of a failed declaration. */
export interface QueueSettingNames {
  queue: string;
  deliveryLimit: string;
  /** Where migrating the queue is described. */
  guide?: string;
}

export interface TopologyOptions {
  /** The consumer's queue, bound to every routing key; its service names it. */
  queue: string;
  deadLetterQueue: string;
  /** x-delivery-limit of the queue (default DEFAULT_DELIVERY_LIMIT); every declarer must agree. */
  deliveryLimit?: number;
  /** Overridable so tests can own a whole topology; services keep the contract's names. */
  exchange?: string;
  deadLetterExchange?: string;
  settingNames?: QueueSettingNames;
}

export interface Topology {
  exchange: string;
  deadLetterExchange: string;
  queue: string;
  deadLetterQueue: string;
  /** The routing key dead letters of the queue carry on the DLX (see deadLetterRoutingKey). */
  deadLetterRoutingKey: string;
  deliveryLimit: number;
}

/**
 * Dead letters are routed on the (direct) DLX by the name of the queue they died in, so each queue's
 * dead-letter queue receives only its own poison messages, and a reader of the DLQ knows where one came from.
 */
export const deadLetterRoutingKey = (queue: string): string => queue;

/**
 * The consumer's queue is a quorum queue: replicated by Raft when RabbitMQ is a cluster, and the only kind with a
 * delivery limit. Dead letters (delivery limit, or a nack without requeue) go to the DLX at-least-once: the queue
 * keeps each one until the dead-letter queue confirmed it, which needs overflow reject-publish (RabbitMQ ≥ 3.10).
 * There is no max length, so reject-publish never refuses a publish.
 */
export const quorumQueueArguments = (topology: Topology): Record<string, unknown> => ({
  'x-queue-type': 'quorum',
  'x-delivery-limit': topology.deliveryLimit,
  'x-dead-letter-exchange': topology.deadLetterExchange,
  'x-dead-letter-routing-key': topology.deadLetterRoutingKey,
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
});

/** The queue exists with other arguments; RabbitMQ changes neither a queue's type nor its arguments in place. */
export class QueueMismatchError extends SetupError {
  override readonly name = 'QueueMismatchError';
}

const DEFAULT_SETTING_NAMES: QueueSettingNames = { queue: 'the queue name', deliveryLimit: 'delivery limit' };

const migrationHint = (names: QueueSettingNames) =>
  'A queue cannot change type or arguments in place: delete it once it is drained and let the services ' +
  `declare it again, or give ${names.queue} a new name${names.guide ? ` (${names.guide})` : ''}`;

/** Arguments every declaration of the queue has carried since it became a quorum queue. */
const QUORUM_ONLY_ARGUMENTS = ['x-queue-type', 'x-delivery-limit', 'x-dead-letter-strategy', 'x-overflow'];

/** RabbitMQ's PRECONDITION_FAILED on a declaration, turned into what to do about it. */
function explainMismatch(error: unknown, topology: Topology, names: QueueSettingNames): unknown {
  const { queue, deliveryLimit } = topology;
  const text = error instanceof Error ? error.message : String(error);
  const inequivalent = /inequivalent arg '([^']+)'[^:]*:\s*(.*?)"?$/.exec(text);
  if (!inequivalent || (error as { code?: unknown }).code !== 406) return error;
  const [, argument = '', detail = ''] = inequivalent;
  const predatesQuorum = QUORUM_ONLY_ARGUMENTS.includes(argument) && detail.endsWith('current is none');
  const what = predatesQuorum
    ? `queue '${queue}' exists as a classic queue (declared before it became a quorum queue)`
    : argument === 'x-delivery-limit'
      ? `queue '${queue}' has another delivery limit (${detail}): give every service the same ${names.deliveryLimit} (${deliveryLimit} here)`
      : `queue '${queue}' exists with another '${argument}' (${detail})`;
  return new QueueMismatchError(`${what}. ${migrationHint(names)}`, { cause: error });
}

/**
 * Declares the whole event topology. The publisher and the consumer both call it, and
 * RabbitMQ refuses a second declaration whose arguments differ (PRECONDITION_FAILED), so every argument lives
 * here and nowhere else. All declarations are idempotent.
 */
export async function declareTopology(channel: Channel, options: TopologyOptions): Promise<Topology> {
  const topology: Topology = {
    exchange: options.exchange ?? EXCHANGE,
    deadLetterExchange: options.deadLetterExchange ?? DEAD_LETTER_EXCHANGE,
    queue: options.queue,
    deadLetterQueue: options.deadLetterQueue,
    deadLetterRoutingKey: deadLetterRoutingKey(options.queue),
    deliveryLimit: options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT,
  };
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  await channel.assertExchange(topology.deadLetterExchange, 'direct', { durable: true });

  // The dead-letter side first: at-least-once dead-lettering of the queue needs somewhere to route.
  await channel.assertQueue(topology.deadLetterQueue, { durable: true });
  await channel.bindQueue(
    topology.deadLetterQueue,
    topology.deadLetterExchange,
    topology.deadLetterRoutingKey,
  );
  try {
    await channel.assertQueue(topology.queue, {
      durable: true,
      arguments: quorumQueueArguments(topology),
    });
  } catch (error) {
    throw explainMismatch(error, topology, options.settingNames ?? DEFAULT_SETTING_NAMES);
  }
  for (const routingKey of Object.values(ROUTING_KEYS)) {
    await channel.bindQueue(topology.queue, topology.exchange, routingKey);
  }
  return topology;
}

/** declareTopology as an AmqpConnection.onConnected hook, on a short-lived channel of its own. */
export function topologyHook(options: TopologyOptions): (model: ChannelModel) => Promise<void> {
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
