/*
 * Consumer runner. Delivery guarantees:
 * - ack only after `handle` resolved, on the channel the message came from (delivery tags are per channel);
 * - poison (parse throws) is republished by us to the DLX with the reason in DEAD_LETTER_REASON_HEADER, on a
 *   confirm channel, and the original is acked only after that confirm. nack(requeue=false) cannot add a
 *   header; it remains the fallback when the republish fails (RabbitMQ then dead-letters it with x-death only);
 * - a transient failure (handle throws) is retried in process with capped backoff, never acked or
 *   dead-lettered; the unacked message holds a prefetch slot, so a broken dependency slows intake instead of
 *   draining the queue. If the channel dies meanwhile, the retry stops and the broker redelivers;
 * - after a reconnect (connection hook) or a channel-only close (timer) the consumer subscribes again.
 * Handlers must be idempotent: a message whose ack was lost with its channel is delivered again.
 *
 * Context: every message is handled inside runWithRequestId(its message id), so each log line written while
 * handling it carries request_id. The handler is first called synchronously from amqplib's delivery callback,
 * where the amqplib instrumentation has made its consume span active, and retries are awaited in the same
 * async function, which keeps that context; so the handler's Redis calls are children of the consume span.
 * Do not move the handling onto a queue or a timer scheduled from elsewhere without carrying the context
 * (context.active() captured at delivery, re-entered with context.with); a test guards this.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { DEAD_LETTER_EXCHANGE } from '@store/contracts';
import { runWithRequestId, type Logger } from '@store/observability';
import type { AmqpConnection } from './amqp-connection';
import { backoffDelay, type BackoffOptions } from './backoff';
import { ConfirmPublisher } from './confirm-publisher';
import {
  DEFAULT_PREFETCH,
  MAX_PREFETCH,
  messageInfo,
  type ConsumerEvents,
  type ConsumerOptions,
} from './consumer-types';
import { republishAsDeadLetter, type DeadLetterTarget } from './dead-letter';
import { EventHub } from './events';
import { poisonReason } from './poison';
import { settleWithin, Sleeper } from './sleeper';
import { deadLetterRoutingKey } from './topology';

interface Session {
  model: ChannelModel;
  channel: Channel;
  consumerTag: string;
  closed: boolean;
}

export async function startConsumer<T>(
  connection: AmqpConnection,
  options: ConsumerOptions<T>,
): Promise<Consumer<T>> {
  const consumer = new Consumer(connection, options);
  await connection.onConnected(consumer.subscribeHook);
  return consumer;
}

export class Consumer<T> {
  private readonly events = new EventHub<ConsumerEvents>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sleeper = new Sleeper();
  private readonly logger: Logger;
  private readonly retry: BackoffOptions;
  private readonly prefetch: number;
  private readonly deadLetters: ConfirmPublisher;
  private readonly deadLetterTarget: DeadLetterTarget;
  private session?: Session;
  private subscribing: Promise<void> = Promise.resolve();
  private resubscribeTimer?: NodeJS.Timeout;
  private stopping?: Promise<void>;

  readonly on = this.events.on.bind(this.events);
  readonly waitFor = this.events.waitFor.bind(this.events);
  /** The AmqpConnection hook; subscribes on each new connection (serialised, never twice on one). */
  readonly subscribeHook = (model: ChannelModel): Promise<void> => {
    const next = this.subscribing.catch(() => undefined).then(() => this.subscribe(model));
    this.subscribing = next;
    return next;
  };

  constructor(
    private readonly connection: AmqpConnection,
    private readonly options: ConsumerOptions<T>,
  ) {
    this.prefetch = options.prefetch ?? DEFAULT_PREFETCH;
    if (!Number.isInteger(this.prefetch) || this.prefetch < 1 || this.prefetch > MAX_PREFETCH) {
      throw new RangeError(`prefetch must be an integer in 1..${MAX_PREFETCH}, got ${this.prefetch}`);
    }
    this.logger = options.logger.child({ component: 'consumer', queue: options.queue });
    this.retry = { initialDelayMs: 200, maxDelayMs: 30_000, ...options.retry };
    this.deadLetters = new ConfirmPublisher(connection, {
      logger: options.logger,
      confirmTimeoutMs: options.confirmTimeoutMs,
    });
    this.deadLetterTarget = {
      exchange: options.deadLetterExchange ?? DEAD_LETTER_EXCHANGE,
      routingKey: options.deadLetterRoutingKey ?? deadLetterRoutingKey(options.queue),
      queue: options.queue,
    };
  }

  /** The channel consuming right now (diagnostics and tests). */
  get channel(): Channel | undefined {
    return this.session?.closed === false ? this.session.channel : undefined;
  }

  isConsuming(): boolean {
    return this.channel !== undefined && this.stopping === undefined;
  }

  /**
   * Graceful shutdown: cancel the subscription (no new deliveries), let running handlers finish and ack
   * (retries waiting for their next attempt give up: those messages stay unacked and are redelivered),
   * then close the channel. Bounded by timeoutMs.
   */
  stop(timeoutMs = 30_000): Promise<void> {
    this.stopping ??= this.shutdown(timeoutMs);
    return this.stopping;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    this.connection.offConnected(this.subscribeHook);
    clearTimeout(this.resubscribeTimer);
    await this.subscribing.catch(() => undefined);
    const session = this.session;
    if (session && !session.closed) await session.channel.cancel(session.consumerTag).catch(() => undefined);
    this.sleeper.wakeAll();
    if (!(await settleWithin(this.inFlight, timeoutMs))) {
      this.logger.warn({ inFlight: this.inFlight.size }, 'stop timed out with handlers still running');
    }
    if (session && !session.closed) await session.channel.close().catch(() => undefined);
    await this.deadLetters.close();
    this.logger.info('consumer stopped');
  }

  private async subscribe(model: ChannelModel): Promise<void> {
    if (this.stopping || (this.session && !this.session.closed && this.session.model === model)) return;
    const channel = await model.createChannel();
    const session: Session = { model, channel, consumerTag: '', closed: false };
    channel.on('error', (error: Error) => this.logger.warn({ err: error }, 'consumer channel error'));
    channel.on('close', () => this.onChannelClosed(session));
    try {
      await channel.prefetch(this.prefetch);
      const consuming = await channel.consume(this.options.queue, (raw) => this.onDelivery(session, raw));
      session.consumerTag = consuming.consumerTag;
    } catch (error) {
      await channel.close().catch(() => undefined);
      throw error;
    }
    this.session = session;
    this.logger.info({ prefetch: this.prefetch }, 'consuming');
  }

  private onChannelClosed(session: Session, attempt = 0): void {
    session.closed = true;
    this.sleeper.wakeAll();
    if (this.session !== session || this.stopping) return;
    this.session = undefined;
    // A channel can die alone (e.g. a bad ack): resubscribe on the same connection. If the connection died
    // too, it is gone by the time the timer fires and the reconnect hook subscribes instead.
    const delayMs = backoffDelay(attempt, this.retry);
    this.logger.warn({ delayMs }, 'consumer channel closed; subscribing again');
    this.resubscribeTimer = setTimeout(() => {
      if (this.stopping || this.session || this.connection.channelModel !== session.model) return;
      this.subscribeHook(session.model).catch((error: unknown) => {
        this.events.emit('error', { stage: 'subscribe', error });
        this.onChannelClosed(session, attempt + 1);
      });
    }, delayMs);
  }

  private onDelivery(session: Session, raw: ConsumeMessage | null): void {
    if (raw === null) {
      // The broker cancelled us (queue deleted): closing the channel makes us subscribe again, with backoff.
      this.logger.warn('consumer cancelled by the broker');
      void session.channel.close().catch(() => undefined);
      return;
    }
    // A message without an id (not one of ours) still gets a request id of its own to join its log lines.
    const requestId = messageInfo(raw).messageId ?? randomUUID();
    const work = runWithRequestId(requestId, () => this.process(session, raw)).finally(() =>
      this.inFlight.delete(work),
    );
    this.inFlight.add(work);
  }

  private async process(session: Session, raw: ConsumeMessage): Promise<void> {
    const info = messageInfo(raw);
    let message: T;
    try {
      message = this.options.parse(raw);
    } catch (error) {
      return this.deadLetter(session, raw, poisonReason(error));
    }
    const startedAt = performance.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.options.handle(message, raw);
        this.ack(session, raw, () => ({
          ...info,
          attempts: attempt,
          durationMs: performance.now() - startedAt,
        }));
        return;
      } catch (error) {
        if (session.closed || this.stopping) {
          this.logger.warn(
            { err: error, ...info },
            'handler failed while closing; left unacked for redelivery',
          );
          return;
        }
        const delayMs = backoffDelay(attempt - 1, this.retry);
        this.logger.warn({ err: error, ...info, attempt, delayMs }, 'handler failed; retrying');
        this.events.emit('retry', { ...info, attempt, delayMs, error });
        await this.sleeper.sleep(delayMs);
        if (session.closed || this.stopping) return; // unacked: the broker redelivers it
      }
    }
  }

  /** `info` is given for handled messages only: a dead-lettered message is acked but not counted as 'ack'. */
  private ack(session: Session, raw: ConsumeMessage, info?: () => ConsumerEvents['ack']): void {
    if (session.closed) {
      this.logger.info(messageInfo(raw), 'channel closed before the ack; the broker redelivers the message');
      return;
    }
    try {
      session.channel.ack(raw);
      if (info) this.events.emit('ack', info());
    } catch (error) {
      this.logger.warn({ err: error, ...messageInfo(raw) }, 'ack failed; the broker redelivers the message');
      this.events.emit('error', { ...messageInfo(raw), stage: 'ack', error });
    }
  }

  private async deadLetter(session: Session, raw: ConsumeMessage, reason: string): Promise<void> {
    const info = messageInfo(raw);
    this.logger.warn({ ...info, reason }, 'poison message; dead-lettering it');
    try {
      await republishAsDeadLetter(this.deadLetters, this.deadLetterTarget, raw, reason);
    } catch (error) {
      this.events.emit('error', { ...info, stage: 'dead-letter', error });
      if (session.closed) return; // redelivered, and dead-lettered again then
      session.channel.nack(raw, false, false); // RabbitMQ dead-letters it, without the reason header
      this.events.emit('dead-letter', { ...info, reason, via: 'nack' });
      return;
    }
    // If the channel died in between, the original comes back and the DLQ gets a duplicate: nothing is lost.
    this.ack(session, raw);
    this.events.emit('dead-letter', { ...info, reason, via: 'republish' });
  }
}
