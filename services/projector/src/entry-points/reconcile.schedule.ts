import { untraced, type Logger } from '@store/observability';
import type { ReconcileReport } from '../domain/reconcile.use-case';

/**
 * The periodic check behind the projection_drift gauge; returns the function that stops it. 0 turns it off.
 * It runs untraced: it is housekeeping, and its GROUP BY and Redis reads every interval would fill the trace
 * store with traces nobody asked for.
 */
export function scheduleReconcile(
  run: () => Promise<ReconcileReport>,
  intervalMs: number,
  logger: Logger,
): () => void {
  if (intervalMs <= 0) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // a slow check never stacks up behind itself
    running = true;
    untraced(run)
      .then((report) => {
        const summary = { mismatches: report.mismatches, absoluteDifference: report.absoluteDifference };
        if (report.mismatches) logger.warn(summary, 'projection drifts from MySQL');
        else logger.debug(summary, 'projection matches MySQL');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'reconciliation failed'))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
