import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Logger, TraceContext } from '@store/observability';
import { backoffDelay, type BackoffOptions } from './backoff';
import { messageInfo, type BatchHandler, type BatchItem, type ConsumerEvents } from './consumer-types';
import { deadLetterPoison, type DeadLetterDeps } from './dead-letter';
import type { EventHub } from './events';
import { inMessageScope } from './message-scope';
import { poisonReason } from './poison';
import type { Sleeper } from './sleeper';

export interface Delivery {
  raw: ConsumeMessage;
  traceContext: TraceContext;
}

/** One subscription on one channel, and the deliveries it holds. */
export interface Session {
  model: ChannelModel;
  channel: Channel;
  consumerTag: string;
  closed: boolean;
  /** delivered, not yet handed to a batch */
  waiting: Delivery[];
  draining: boolean;
  /** a batch was left unacked (stopping): no later ack on this channel may cover it */
  abandoned: boolean;
}

export interface BatchRunnerDeps<T> {
  parse: (raw: ConsumeMessage) => T;
  handleBatch: BatchHandler<T>;
  retry: BackoffOptions;
  sleeper: Sleeper;
  events: EventHub<ConsumerEvents>;
  logger: Logger;
  deadLetters: Pick<DeadLetterDeps, 'publisher' | 'target'>;
  isStopping: () => boolean;
}

/** Handles one batch of a session: parse, dead-letter the poison, handle the rest with retries, ack. */
export class BatchRunner<T> {
  constructor(private readonly deps: BatchRunnerDeps<T>) {}

  async run(session: Session, batch: Delivery[]): Promise<void> {
    const startedAt = performance.now();
    const items: BatchItem<T>[] = [];
    const poison: Promise<void>[] = [];
    for (const { raw, traceContext } of batch) {
      try {
        items.push({ message: this.deps.parse(raw), raw, traceContext });
      } catch (error) {
        poison.push(inMessageScope(raw, traceContext, () => this.deadLetter(session, raw, error)));
      }
    }
    // The poison is settled (acked or nacked alone) before the multiple ack, which would otherwise cover it.
    const [attempts] = await Promise.all([
      items.length > 0 ? this.handleWithRetry(session, items) : 0,
      Promise.allSettled(poison),
    ]);
    if (attempts > 0) this.ack(session, items, attempts, performance.now() - startedAt);
  }

  private deadLetter(session: Session, raw: ConsumeMessage, error: unknown): Promise<void> {
    const { events, logger, deadLetters } = this.deps;
    return deadLetterPoison(session, raw, poisonReason(error), {
      ...deadLetters,
      events,
      logger,
      ack: () => this.ack(session, [], 0, 0, raw),
    });
  }

  /** Resolves with the number of attempts it took, or 0 when it gave up (channel gone, stopping). */
  private async handleWithRetry(session: Session, items: BatchItem<T>[]): Promise<number> {
    const { events, logger, sleeper, isStopping } = this.deps;
    const first = items[0]!;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await inMessageScope(first.raw, first.traceContext, () => this.deps.handleBatch(items));
        return attempt;
      } catch (error) {
        if (session.closed || isStopping()) return abandon(session, items, logger, error);
        const delayMs = backoffDelay(attempt - 1, this.deps.retry);
        logger.warn(
          { err: error, ...messageInfo(first.raw), messages: items.length, attempt, delayMs },
          'handler failed; retrying the batch',
        );
        for (const { raw } of items) events.emit('retry', { ...messageInfo(raw), attempt, delayMs, error });
        await sleeper.sleep(delayMs);
        if (session.closed || isStopping()) return abandon(session, items, logger);
      }
    }
  }

  /**
   * One basic.ack for the handled `items` (multiple=true up to the last when there are several), or for the
   * dead letter `single`. Nothing below the last item is left unsettled on this channel; see consumer.ts.
   */
  private ack(
    session: Session,
    items: BatchItem<T>[],
    attempts: number,
    durationMs: number,
    single = items.at(-1)!.raw,
  ): void {
    const { events, logger } = this.deps;
    if (session.closed) {
      logger.info(messageInfo(single), 'channel closed before the ack; the broker redelivers the message');
      return;
    }
    const multiple = items.length > 1;
    try {
      session.channel.ack(single, multiple);
    } catch (error) {
      logger.warn({ err: error, ...messageInfo(single) }, 'ack failed; the broker redelivers the message');
      events.emit('error', { ...messageInfo(single), stage: 'ack', error });
      return;
    }
    if (items.length === 0) return; // a dead letter is reported as such, not as handled
    const { deliveryTag } = single.fields;
    events.emit('batch-ack', { messages: items.length, deliveryTag, multiple, attempts });
    if (!events.listens('ack')) return;
    for (const { raw } of items) events.emit('ack', { ...messageInfo(raw), attempts, durationMs });
  }
}

function abandon(session: Session, items: unknown[], logger: Logger, error?: unknown): number {
  session.abandoned = true;
  session.waiting = [];
  logger.warn(
    { err: error, messages: items.length },
    'batch not handled while closing; left unacked for redelivery',
  );
  return 0;
}
