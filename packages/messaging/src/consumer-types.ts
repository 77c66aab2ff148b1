import type { ConsumeMessage } from 'amqplib';
import type { Logger } from '@store/observability';
import type { BackoffOptions } from './backoff';

export const DEFAULT_PREFETCH = 50;
export const MAX_PREFETCH = 1_000;

export interface ConsumerOptions<T> {
  queue: string;
  /** Throws for a message that can never be handled (poison). See jsonMessageParser. */
  parse: (raw: ConsumeMessage) => T;
  /** Must be idempotent: a message whose ack was lost with its channel is delivered again. */
  handle: (message: T, raw: ConsumeMessage) => Promise<void>;
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
  /** via 'nack': the republish with the reason failed, RabbitMQ dead-lettered it without the reason header. */
  'dead-letter': MessageInfo & { reason: string; via: 'republish' | 'nack' };
  retry: MessageInfo & { attempt: number; delayMs: number; error: unknown };
  error: Partial<MessageInfo> & { stage: 'subscribe' | 'ack' | 'dead-letter'; error: unknown };
}

export function messageInfo(raw: ConsumeMessage): MessageInfo {
  const messageId = raw.properties.messageId as unknown;
  return {
    messageId: typeof messageId === 'string' ? messageId : undefined,
    routingKey: raw.fields.routingKey,
    redelivered: raw.fields.redelivered,
  };
}
