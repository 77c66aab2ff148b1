/** Why a publish was not confirmed. Every one of them means: the broker did not take responsibility. */
export type PublishFailureReason =
  | 'nack' // the broker refused it (e.g. a queue with overflow=reject-publish is full)
  | 'unroutable' // mandatory and no queue bound for its routing key (basic.return)
  | 'timeout' // no confirm within confirmTimeoutMs; the message may or may not have been taken
  | 'channel-closed' // the channel or connection closed while the confirm was pending
  | 'not-connected' // no connection to publish on right now
  | 'publisher-closed'; // publish() after close()

export class PublishError extends Error {
  override readonly name = 'PublishError';

  constructor(
    readonly reason: PublishFailureReason,
    readonly messageId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class PublishBatchError extends Error {
  override readonly name = 'PublishBatchError';

  constructor(
    readonly confirmed: string[],
    readonly failed: PublishError[],
  ) {
    super(`${failed.length} of ${confirmed.length + failed.length} messages were not confirmed`);
  }
}

export interface PublishOptions {
  messageId: string;
  type?: string;
  headers?: Record<string, unknown>;
  /** AMQP timestamp, in seconds since the epoch (defaults to now). */
  timestamp?: number;
  contentType?: string;
  correlationId?: string;
}

export interface OutgoingMessage extends PublishOptions {
  exchange: string;
  routingKey: string;
  content: Buffer;
}

export interface PublisherEvents {
  'publish-confirmed': { messageId: string; exchange: string; routingKey: string; durationMs: number };
  'publish-failed': {
    messageId: string;
    exchange: string;
    routingKey: string;
    reason: PublishFailureReason;
    error: PublishError;
  };
}
