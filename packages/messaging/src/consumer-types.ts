import type { ConsumeMessage } from 'amqplib';
import type { Logger, TraceContext } from '@store/observability';
import type { BackoffOptions } from './backoff';

export const DEFAULT_PREFETCH = 50;
export const MAX_PREFETCH = 1_000;

/** One parsed message of a batch, with the trace context it was delivered in (amqplib's consume span). */
export interface BatchItem<T> {
  message: T;
  raw: ConsumeMessage;
  traceContext: TraceContext;
}

/**
 * Give exactly one of the two handlers; both must be idempotent (a message whose ack was lost with its channel
 * is delivered again, and a failed batch is retried whole).
 * - handleBatch: called with the messages ready together (in delivery order), inside the trace context and the
 *   request id of the first; its batch is acked once it resolved.
 * - handle: one message at a time; a batch runs its messages concurrently, each in its own context.
 */
export type ConsumerHandler<T> =
  { handleBatch: BatchHandler<T>; handle?: never } | { handle: MessageHandler<T>; handleBatch?: never };

export type BatchHandler<T> = (items: BatchItem<T>[]) => Promise<void>;
export type MessageHandler<T> = (message: T, raw: ConsumeMessage) => Promise<void>;

export type ConsumerOptions<T> = ConsumerSettings<T> & ConsumerHandler<T>;

export interface ConsumerSettings<T> {
  queue: string;
  /** Throws for a message that can never be handled (poison). See jsonMessageParser. */
  parse: (raw: ConsumeMessage) => T;
  logger: Logger;
  /** Unacked messages in flight at once, 1..MAX_PREFETCH (default DEFAULT_PREFETCH). */
  prefetch?: number;
  /** Backoff between attempts of a failing handler, and between resubscriptions (default 200 ms .. 30 s). */
  retry?: Partial<BackoffOptions>;
  /** Where poison goes (default DEAD_LETTER_EXCHANGE). */
  deadLetterExchange?: string;
  /** Defaults to deadLetterRoutingKey(queue), as declareTopology binds it. */
  deadLetterRoutingKey?: string;
  /** Confirm timeout of the dead-letter republish. */
  confirmTimeoutMs?: number;
}

export interface MessageInfo {
  messageId?: string;
  routingKey: string;
  redelivered: boolean;
}

/** What a service counts, and what tests await with consumer.waitFor(event, predicate). */
export interface ConsumerEvents {
  ack: MessageInfo & { attempts: number; durationMs: number };
  /** One per acknowledgement sent: `messages` handled messages acked at once (multiple when more than one). */
  'batch-ack': { messages: number; deliveryTag: number; multiple: boolean; attempts: number };
  /** via 'nack': the republish with the reason failed, RabbitMQ dead-lettered it without the reason header. */
  'dead-letter': MessageInfo & { reason: string; via: 'republish' | 'nack' };
  /** One per message of the failed batch. */
  retry: MessageInfo & { attempt: number; delayMs: number; error: unknown };
  error: Partial<MessageInfo> & { stage: 'subscribe' | 'ack' | 'dead-letter'; error: unknown };
  /** stop() cancelled the subscription: no new deliveries (a quorum queue still counts the consumer until its
   * unacked messages are settled, so the broker's consumer count cannot tell). */
  cancelled: { consumerTag: string };
}

export function messageInfo(raw: ConsumeMessage): MessageInfo {
  const messageId = raw.properties.messageId as unknown;
  return {
    messageId: typeof messageId === 'string' ? messageId : undefined,
    routingKey: raw.fields.routingKey,
    redelivered: raw.fields.redelivered,
  };
}
