import { inSpan, linkToTraceparent, recordSpan, withRemoteParent, type Logger } from '@store/observability';
import type { BatchTelemetry } from '../domain/group-commit.ports';
import type { WriteMetrics } from '../metrics';

/** Epoch milliseconds with sub-millisecond precision (span times). */
const preciseNow = (): number => performance.timeOrigin + performance.now();

/** The span attribute on the batch span and on each request's span. */
export const BATCH_SIZE_ATTRIBUTE = 'order.batch.size';

/**
 * The batch span is a child of the FIRST request's span and links to the others': a lone order (the unloaded
 * case, and the one a user follows in Jaeger) stays one trace from HTTP down to each SQL statement and COMMIT,
 * while a batch serving many requests still reaches each of them. Each order's outbox row keeps its own request's
 * traceparent, so the relay continues every order's own trace.
 */
export function orderBatchTelemetry(metrics: WriteMetrics, logger: Logger): BatchTelemetry {
  return {
    runBatch(traceparents, work) {
      const size = traceparents.length;
      metrics.orderBatchSize.observe(size);
      const [first, ...others] = traceparents;
      return withRemoteParent(first, () =>
        inSpan('order batch', () => work(), {
          attributes: { [BATCH_SIZE_ATTRIBUTE]: size },
          // Each other request's span as it was when queued (its traceparent, captured then).
          links: others.flatMap(linkToTraceparent),
        }),
      );
    },
    queued(traceparent) {
      const since = preciseNow();
      // Under load an order's time goes mostly here, waiting for the replica's writer: make it a stage of its own.
      return () => withRemoteParent(traceparent, () => recordSpan('order queue wait', since, preciseNow()));
    },
    retried: (reason, cause) => {
      metrics.orderBatchRetries.inc({ reason });
      logger.debug({ err: cause, reason }, 'order batch runs again');
    },
    // The 503 says only "try again": without this line a refused connection or a lost session leaves no trace.
    unavailable: (orders, cause) => logger.warn({ err: cause, orders }, 'order batch answered 503'),
  };
}
