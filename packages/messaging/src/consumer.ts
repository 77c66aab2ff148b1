/*
 * Consumer runner. Messages are handled in batches: the deliveries that arrived together (in the same turn of
 * the event loop, at most `prefetch` of them) form one batch; nothing ever waits for more, so a lone message is
 * handled at once. One batch at a time per channel: the next one gathers while this one runs.
 *
 * Delivery guarantees:
 * - ack only after the handler resolved, on the channel the messages came from (delivery tags are per channel),
 *   with ONE basic.ack multiple=true up to the batch's highest good tag. That is safe because everything below
 *   it is settled by then: earlier batches were acked (batches run one after another and a batch given up ends
 *   the channel's batches, see `abandon`), and the batch's poison was dead-lettered (acked or nacked) first;
 * - poison (parse throws) is republished by us to the DLX with the reason in DEAD_LETTER_REASON_HEADER, on a
 *   confirm channel, and the original is acked alone, after that confirm. nack(requeue=false) cannot add a
 *   header; it remains the fallback when the republish fails (RabbitMQ then dead-letters it with x-death only);
 * - a transient failure (the handler throws) retries the whole batch in process with capped backoff, never
 *   acking or dead-lettering any of it; unacked, the batch holds its prefetch slots, so a broken dependency slows
 *   intake instead of draining the queue. If the channel dies meanwhile, the retry stops and the broker redelivers;
 * - after a reconnect (connection hook) or a channel-only close (timer) the consumer subscribes again.
 * Handlers must be idempotent: a message whose ack was lost with its channel is delivered again.
 *
 * Context: a batch is handled inside runWithRequestId(its first message id) and the trace context active when
 * the first message was delivered (the amqplib instrumentation's consume span), captured at delivery and
 * re-entered for every attempt; each item carries its own context for links. A test guards this.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { DEAD_LETTER_EXCHANGE } from '@store/contracts';
import { activeContext, type Logger } from '@store/observability';
import type { AmqpConnection } from './amqp-connection';
import { backoffDelay, type BackoffOptions } from './backoff';
import { ConfirmPublisher } from './confirm-publisher';
import { BatchRunner, type Session } from './batch-runner';
import { DEFAULT_PREFETCH, MAX_PREFETCH, type ConsumerEvents, type ConsumerOptions } from './consumer-types';
import { EventHub } from './events';
import { perMessage } from './message-scope';
import { settleWithin, Sleeper } from './sleeper';
import { deadLetterRoutingKey } from './topology';

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
  private readonly batches: BatchRunner<T>;
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
    this.batches = new BatchRunner({
      parse: options.parse,
      handleBatch: options.handleBatch ?? perMessage(options.handle),
      retry: this.retry,
      sleeper: this.sleeper,
      events: this.events,
      logger: this.logger,
      deadLetters: {
        publisher: this.deadLetters,
        target: {
          exchange: options.deadLetterExchange ?? DEAD_LETTER_EXCHANGE,
          routingKey: options.deadLetterRoutingKey ?? deadLetterRoutingKey(options.queue),
          queue: options.queue,
        },
      },
      isStopping: () => this.stopping !== undefined,
    });
  }

  /** The channel consuming right now (diagnostics and tests). */
  get channel(): Channel | undefined {
    return this.session?.closed === false ? this.session.channel : undefined;
  }

  isConsuming(): boolean {
    return this.channel !== undefined && this.stopping === undefined;
  }

  /**
   * Graceful shutdown: cancel the subscription (no new deliveries), let the running batch and those already
   * delivered finish and ack (a batch waiting for its next attempt gives up: it stays unacked and is
   * redelivered), then close the channel. Bounded by timeoutMs.
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
    if (session && !session.closed) {
      const cancelled = await session.channel.cancel(session.consumerTag).then(
        () => true,
        () => false,
      );
      if (cancelled) this.events.emit('cancelled', { consumerTag: session.consumerTag });
    }
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
    const session: Session = {
      model,
      channel,
      consumerTag: '',
      closed: false,
      waiting: [],
      draining: false,
      abandoned: false,
    };
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
    session.waiting = []; // the broker redelivers them
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
    session.waiting.push({ raw, traceContext: activeContext() });
    if (session.draining) return;
    session.draining = true;
    // setImmediate runs after every I/O callback of this turn: all deliveries read together join the batch.
    const work = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain(session))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private async drain(session: Session): Promise<void> {
    while (session.waiting.length > 0 && !session.closed && !session.abandoned) {
      const batch = session.waiting;
      session.waiting = [];
      await this.batches.run(session, batch);
    }
    session.draining = false; // no await between the last check and here: no delivery can slip in between
  }
}
