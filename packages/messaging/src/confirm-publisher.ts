/*
 * Publishes with publisher confirms and answers each publish with a promise that settles exactly once:
 * resolved on the broker's ack, rejected with a PublishError on nack, basic.return (unroutable; RabbitMQ sends
 * the return before the ack, so the ack that follows is ignored), confirm timeout, or the channel/connection
 * closing while the confirm is pending. amqplib 0.10 already fails its callbacks on 'close', but only the
 * tracker here adds the timeout and the return, and it keeps working even if a later amqplib changes that.
 * The confirm channel is created lazily on the manager's current connection and dropped when it closes, so
 * after a reconnect the next publish simply opens a new one; while disconnected, publish fails at once
 * ('not-connected') instead of buffering: the outbox row is the buffer.
 */
import type { Logger } from '@store/observability';
import { AmqpConnection, NotConnectedError } from './amqp-connection';
import { drainOrClose, openConfirmChannel, type ConfirmChannelState } from './confirm-channel';
import { EventHub } from './events';
import {
  PublishBatchError,
  PublishError,
  type OutgoingMessage,
  type PublisherEvents,
  type PublishFailureReason,
  type PublishOptions,
} from './publish-types';

export interface ConfirmPublisherOptions {
  logger: Logger;
  /** How long a publish waits for its confirm before it rejects with reason 'timeout' (default 10 s). */
  confirmTimeoutMs?: number;
}

export class ConfirmPublisher {
  private readonly events = new EventHub<PublisherEvents>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly logger: Logger;
  private readonly confirmTimeoutMs: number;
  private state?: ConfirmChannelState;
  private opening?: Promise<ConfirmChannelState>;
  private closed = false;

  readonly on = this.events.on.bind(this.events);
  readonly waitFor = this.events.waitFor.bind(this.events);

  constructor(
    private readonly connection: AmqpConnection,
    options: ConfirmPublisherOptions,
  ) {
    this.logger = options.logger.child({ component: 'confirm-publisher' });
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
  }

  /** Messages published on the current channel and not yet confirmed (e.g. for a gauge). */
  get pendingConfirms(): number {
    return this.state?.closed === false ? this.state.pending.size : 0;
  }

  /** Persistent and mandatory; resolves only once the broker has confirmed the message. */
  publish(exchange: string, routingKey: string, content: Buffer, options: PublishOptions): Promise<void> {
    const publishing = this.send(exchange, routingKey, content, options);
    this.inFlight.add(publishing);
    void publishing.catch(() => undefined).finally(() => this.inFlight.delete(publishing));
    return publishing;
  }

  /** Publishes all at once; resolves when all are confirmed, else rejects with a PublishBatchError. */
  async publishBatch(messages: OutgoingMessage[]): Promise<void> {
    const outcomes = await Promise.allSettled(
      messages.map(({ exchange, routingKey, content, ...options }) =>
        this.publish(exchange, routingKey, content, options),
      ),
    );
    const failed = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as PublishError] : [],
    );
    if (failed.length === 0) return;
    const confirmed = messages.filter((_m, i) => outcomes[i]!.status === 'fulfilled').map((m) => m.messageId);
    throw new PublishBatchError(confirmed, failed);
  }

  /** Waits for the confirms still pending (each bounded by the confirm timeout), then closes the channel. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    if (this.state && !this.state.closed) await this.state.channel.close().catch(() => undefined);
  }

  private async send(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: PublishOptions,
  ): Promise<void> {
    const { messageId } = options;
    const startedAt = performance.now();
    const failure = (reason: PublishFailureReason, cause?: unknown) =>
      new PublishError(
        reason,
        messageId,
        `${reason === 'nack' ? 'the broker nacked' : 'the channel closed before confirming'} ${messageId}`,
        { cause },
      );
    try {
      if (this.closed) throw new PublishError('publisher-closed', messageId, 'the publisher is closed');
      const state = await this.openChannel();
      await state.drained;
      const { id, settled } = state.pending.track(messageId);
      try {
        const properties = {
          persistent: true,
          mandatory: true,
          contentType: options.contentType ?? 'application/json',
          messageId,
          type: options.type,
          headers: options.headers,
          timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
          correlationId: options.correlationId,
        };
        const written = state.channel.publish(
          exchange,
          routingKey,
          content,
          properties,
          (error: Error | null) => {
            if (!error) state.pending.confirm(id);
            else
              state.pending.fail(id, failure(error.message === 'message nacked' ? 'nack' : 'channel-closed'));
          },
        );
        // The socket buffer is full: this message is queued, the next ones wait for 'drain'.
        if (!written) state.drained = drainOrClose(state.channel);
      } catch (error) {
        state.pending.fail(id, failure('channel-closed', error)); // amqplib throws once the channel is closed
      }
      await settled;
      const durationMs = performance.now() - startedAt;
      this.events.emit('publish-confirmed', { messageId, exchange, routingKey, durationMs });
    } catch (caught) {
      const error = toPublishError(caught, messageId);
      this.logger.warn({ err: error, messageId, exchange, routingKey }, 'publish not confirmed');
      this.events.emit('publish-failed', { messageId, exchange, routingKey, reason: error.reason, error });
      throw error;
    }
  }

  private openChannel(): Promise<ConfirmChannelState> {
    if (this.state && !this.state.closed) return Promise.resolve(this.state);
    this.opening ??= this.createChannel().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async createChannel(): Promise<ConfirmChannelState> {
    const model = this.connection.channelModel;
    if (!model) throw new NotConnectedError('not connected to RabbitMQ');
    this.state = await openConfirmChannel(model, this.confirmTimeoutMs, this.logger);
    return this.state;
  }
}

function toPublishError(error: unknown, messageId: string): PublishError {
  if (error instanceof PublishError) return error;
  if (error instanceof NotConnectedError) return new PublishError('not-connected', messageId, error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new PublishError('channel-closed', messageId, `could not open a confirm channel: ${message}`, {
    cause: error,
  });
}
