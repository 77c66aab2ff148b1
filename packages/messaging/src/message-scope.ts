import { randomUUID } from 'node:crypto';
import type { ConsumeMessage } from 'amqplib';
import { runWithRequestId, withContext, type TraceContext } from '@store/observability';
import { messageInfo, type BatchHandler, type MessageHandler } from './consumer-types';

/**
 * Runs `fn` as the handling of one message: in the trace context it was delivered in, with its message id as
 * request id (log lines carry it). A message without an id (not one of ours) still gets one of its own.
 */
export function inMessageScope<R>(raw: ConsumeMessage, traceContext: TraceContext, fn: () => R): R {
  const requestId = messageInfo(raw).messageId ?? randomUUID();
  return withContext(traceContext, () => runWithRequestId(requestId, fn));
}

/** A per-message handler as a batch handler: the batch's messages concurrently, each in its own scope. */
export function perMessage<T>(handle: MessageHandler<T>): BatchHandler<T> {
  return async (items) => {
    await Promise.all(
      items.map(({ message, raw, traceContext }) =>
        inMessageScope(raw, traceContext, () => handle(message, raw)),
      ),
    );
  };
}
