import { randomUUID } from 'node:crypto';
import type { Channel, ConsumeMessage } from 'amqplib';
import { DEAD_LETTER_REASON_HEADER } from '@store/contracts';
import type { Logger } from '@store/observability';
import type { ConfirmPublisher } from './confirm-publisher';
import { messageInfo, type ConsumerEvents } from './consumer-types';
import type { EventHub } from './events';

export interface DeadLetterTarget {
  exchange: string;
  routingKey: string;
  /** The queue the message died in, recorded in x-original-queue. */
  queue: string;
}

/**
 * Republishes a poison message to the dead-letter exchange, byte for byte, with its properties and headers
 * plus the reason and where it came from. Resolves once the broker confirmed the copy.
 */
export function republishAsDeadLetter(
  publisher: ConfirmPublisher,
  target: DeadLetterTarget,
  raw: ConsumeMessage,
  reason: string,
): Promise<void> {
  const { properties, fields } = raw;
  const messageId = properties.messageId as unknown;
  return publisher.publish(target.exchange, target.routingKey, raw.content, {
    // the publisher matches returns by messageId, so a message without one gets one
    messageId: typeof messageId === 'string' ? messageId : `dead-letter-${randomUUID()}`,
    type: properties.type as string | undefined,
    // never claim JSON for a body that may not be JSON at all
    contentType: (properties.contentType as string | undefined) ?? 'application/octet-stream',
    correlationId: properties.correlationId as string | undefined,
    timestamp: properties.timestamp as number | undefined,
    headers: {
      ...properties.headers,
      [DEAD_LETTER_REASON_HEADER]: reason,
      'x-original-exchange': fields.exchange,
      'x-original-routing-key': fields.routingKey,
      'x-original-queue': target.queue,
    },
  });
}

export interface DeadLetterDeps {
  publisher: ConfirmPublisher;
  target: DeadLetterTarget;
  logger: Logger;
  events: EventHub<ConsumerEvents>;
  /** Acks the original on its channel (once its copy is confirmed). */
  ack: () => void;
}

/**
 * Dead-letters one poison message and settles it (ack after the republish, or nack as the fallback).
 * Never rejects: what went wrong is logged and emitted.
 */
export async function deadLetterPoison(
  channel: { closed: boolean; channel: Pick<Channel, 'nack'> },
  raw: ConsumeMessage,
  reason: string,
  deps: DeadLetterDeps,
): Promise<void> {
  const info = messageInfo(raw);
  deps.logger.warn({ ...info, reason }, 'poison message; dead-lettering it');
  try {
    await republishAsDeadLetter(deps.publisher, deps.target, raw, reason);
  } catch (error) {
    deps.events.emit('error', { ...info, stage: 'dead-letter', error });
    if (channel.closed) return; // redelivered, and dead-lettered again then
    try {
      channel.channel.nack(raw, false, false); // RabbitMQ dead-letters it, without the reason header
    } catch (nackError) {
      deps.logger.warn({ err: nackError, ...info }, 'nack failed; the broker redelivers the message');
      return;
    }
    deps.events.emit('dead-letter', { ...info, reason, via: 'nack' });
    return;
  }
  // If the channel died in between, the original comes back and the DLQ gets a duplicate: nothing is lost.
  deps.ack();
  deps.events.emit('dead-letter', { ...info, reason, via: 'republish' });
}
