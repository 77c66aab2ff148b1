import { inSpan, withRemoteParent, type SpanOptions } from '@store/observability';
import type { BatchTelemetry } from './domain/group-commit.ports';
import type { WriteMetrics } from './metrics';

type Link = NonNullable<SpanOptions['links']>[number];

/** The span attribute on the batch span and on each request's span. */
export const BATCH_SIZE_ATTRIBUTE = 'order.batch.size';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A link to the span a request was in when it was queued (its traceparent, captured then). */
function linkTo(traceparent: string | null): Link[] {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!match) return [];
  const [, traceId, spanId, flags] = match;
  return [
    { context: { traceId: traceId!, spanId: spanId!, traceFlags: parseInt(flags!, 16), isRemote: true } },
  ];
}

/**
 * A batch serves many requests, so it is a trace of its own (a root span, as the relay's batches are), linked to
 * every request's span; each request's outbox row keeps that request's own traceparent.
 */
export function orderBatchTelemetry(metrics: WriteMetrics): BatchTelemetry {
  return {
    runBatch(traceparents, work) {
      const size = traceparents.length;
      metrics.orderBatchSize.observe(size);
      return withRemoteParent(undefined, () =>
        inSpan('order batch', () => work(), {
          attributes: { [BATCH_SIZE_ATTRIBUTE]: size },
          links: traceparents.flatMap(linkTo),
        }),
      );
    },
    retried: (reason) => metrics.orderBatchRetries.inc({ reason }),
  };
}
