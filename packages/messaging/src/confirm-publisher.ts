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
import type { ConfirmChannel, Message } from 'amqplib';
import type { Logger } from '@store/observability';
import { AmqpConnection, NotConnectedError } from './amqp-connection';
import { EventHub } from './events';
import { PendingConfirms } from './pending-confirms';
import { PublishError, type PublishFailureReason } from './publish-error';

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

export interface ConfirmPublisherOptions {
  logger: Logger;
  confirmTimeoutMs?: number;
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

interface ChannelState {
  channel: ConfirmChannel;
  pending: PendingConfirms;
  drained: Promise<void>;
}

export class ConfirmPublisher {
  private readonly events = new EventHub<PublisherEvents>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly logger: Logger;
  private readonly confirmTimeoutMs: number;
  private state?: ChannelState;
  private opening?: Promise<ChannelState>;
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
    const failed = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as PublishError] : []));
    if (failed.length === 0) return;
    const confirmed = messages.filter((_message, i) => outcomes[i]!.status === 'fulfilled').map((m) => m.messageId);
    throw new PublishBatchError(confirmed, failed);
  }

  /** Waits for the confirms still pending (each bounded by the confirm timeout), then closes the channel. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await this.state?.channel.close().catch(() => undefined);
  }

  private async send(exchange: string, routingKey: string, content: Buffer, options: PublishOptions): Promise<void> {
    const { messageId } = options;
    const startedAt = performance.now();
    try {
      if (this.closed) throw new PublishError('publisher-closed', messageId, 'the publisher is closed');
      const state = await this.openChannel();
      await state.drained;
      const { id, settled } = state.pending.track(messageId);
      try {
        const written = state.channel.publish(
          exchange,
          routingKey,
          content,
          {
            persistent: true,
            mandatory: true,
            contentType: options.contentType ?? 'application/json',
            messageId,
            type: options.type,
            headers: options.headers,
            timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
            correlationId: options.correlationId,
          },
          (error: Error | null) => {
            if (!error) state.pending.confirm(id);
            else state.pending.fail(id, failure(error.message === 'message nacked' ? 'nack' : 'channel-closed'));
          },
        );
        // The socket buffer is full: the message is queued, but later ones wait for 'drain' (back-pressure).
        if (!written) state.drained = drainOrClose(state.channel);
      } catch (error) {
        state.pending.fail(id, failure('channel-closed', error)); // amqplib throws once the channel is closed
      }
      await settled;
      this.events.emit('publish-confirmed', { messageId, exchange, routingKey, durationMs: performance.now() - startedAt });
    } catch (caught) {
      const error = toPublishError(caught, messageId);
      this.logger.warn({ err: error, messageId, exchange, routingKey, reason: error.reason }, 'publish not confirmed');
      this.events.emit('publish-failed', { messageId, exchange, routingKey, reason: error.reason, error });
      throw error;
    }

    function failure(reason: PublishFailureReason, cause?: unknown): PublishError {
      const what = reason === 'nack' ? 'the broker nacked' : 'the channel closed before confirming';
      return new PublishError(reason, messageId, `${what} message ${messageId}`, { cause });
    }
  }

  private openChannel(): Promise<ChannelState> {
    if (this.state) return Promise.resolve(this.state);
    this.opening ??= this.createChannel().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async createChannel(): Promise<ChannelState> {
    const model = this.connection.channelModel;
    if (!model) throw new NotConnectedError('not connected to RabbitMQ');
    const channel = await model.createConfirmChannel();
    const state: ChannelState = { channel, pending: new PendingConfirms(this.confirmTimeoutMs), drained: Promise.resolve() };
    const failAll = (cause?: Error) =>
      state.pending.failAll(
        (messageId) =>
          new PublishError('channel-closed', messageId, `the channel closed before confirming ${messageId}`, { cause }),
      );
    channel.on('return', (message: Message) => this.onReturn(state, message));
    channel.on('error', (error: Error) => {
      this.logger.warn({ err: error }, 'confirm channel error');
      failAll(error);
    });
    // prepend: fail the pending publishes with our reason before amqplib's own 'close' listener calls back.
    channel.prependListener('close', () => {
      if (this.state === state) this.state = undefined;
      failAll();
    });
    this.state = state;
    return state;
  }

  private onReturn(state: ChannelState, message: Message): void {
    const messageId = String(message.properties.messageId);
    const { exchange, routingKey } = message.fields;
    const error = new PublishError('unroutable', messageId, `no queue is bound for ${routingKey} on ${exchange}`);
    if (!state.pending.failByMessageId(messageId, error)) {
      this.logger.warn({ messageId, exchange, routingKey }, 'a message came back unroutable after it had ended');
    }
  }
}

function toPublishError(error: unknown, messageId: string): PublishError {
  if (error instanceof PublishError) return error;
  if (error instanceof NotConnectedError) return new PublishError('not-connected', messageId, error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new PublishError('channel-closed', messageId, `could not open a confirm channel: ${message}`, { cause: error });
}

function drainOrClose(channel: ConfirmChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      channel.off('drain', done);
      channel.off('close', done);
      resolve();
    };
    channel.on('drain', done);
    channel.on('close', done);
  });
}
