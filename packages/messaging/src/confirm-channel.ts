import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import type { Logger } from '@store/observability';
import { PendingConfirms } from './pending-confirms';
import { PublishError } from './publish-types';

/** One confirm channel and the confirms pending on it; it is useless once `closed`. */
export interface ConfirmChannelState {
  channel: ConfirmChannel;
  pending: PendingConfirms;
  /** Resolved unless the socket buffer is full; publishes wait on it (back-pressure). */
  drained: Promise<void>;
  closed: boolean;
}

/**
 * Opens a confirm channel whose pending confirms end when it does: a basic.return fails the returned message
 * (matched by messageId), and 'error'/'close' fail all of them. The 'close' listener is prepended so that our
 * 'channel-closed' reason wins over amqplib's own callback error.
 */
export async function openConfirmChannel(
  model: ChannelModel,
  confirmTimeoutMs: number,
  logger: Logger,
): Promise<ConfirmChannelState> {
  const channel = await model.createConfirmChannel();
  const state: ConfirmChannelState = {
    channel,
    pending: new PendingConfirms(confirmTimeoutMs),
    drained: Promise.resolve(),
    closed: false,
  };
  const failAll = (cause?: Error) =>
    state.pending.failAll(
      (messageId) =>
        new PublishError('channel-closed', messageId, `the channel closed before confirming ${messageId}`, {
          cause,
        }),
    );
  channel.on('return', (message: Message) => {
    const messageId = String(message.properties.messageId);
    const { exchange, routingKey } = message.fields;
    const error = new PublishError(
      'unroutable',
      messageId,
      `no queue is bound for ${routingKey} on ${exchange}`,
    );
    if (!state.pending.failByMessageId(messageId, error)) {
      logger.warn({ messageId, exchange, routingKey }, 'a message came back unroutable after it had ended');
    }
  });
  channel.on('error', (error: Error) => {
    logger.warn({ err: error }, 'confirm channel error');
    failAll(error);
  });
  channel.prependListener('close', () => {
    state.closed = true;
    failAll();
  });
  return state;
}

/** Resolves on the channel's next 'drain' (or its close, after which publishing fails anyway). */
export function drainOrClose(channel: ConfirmChannel): Promise<void> {
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
