import { randomUUID } from 'node:crypto';
import type { ConsumeMessage } from 'amqplib';
import { DEAD_LETTER_REASON_HEADER } from '@store/contracts';
import type { ConfirmPublisher } from './confirm-publisher';

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
