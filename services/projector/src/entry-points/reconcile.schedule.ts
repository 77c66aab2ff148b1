import type { Logger } from '@store/observability';
import type { Config } from '../config';
import type { ReconcileReport } from '../domain/reconcile.use-case';

/** The periodic check behind the projection_drift gauge; returns the function that stops it. 0 s turns it off. */
export function scheduleReconcile(
  run: () => Promise<ReconcileReport>,
  config: Pick<Config, 'RECONCILE_INTERVAL_SECONDS'>,
  logger: Logger,
): () => void {
  const intervalSeconds = config.RECONCILE_INTERVAL_SECONDS;
  if (intervalSeconds <= 0) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // a slow check never stacks up behind itself
    running = true;
    run()
      .then((report) => {
        const summary = { mismatches: report.mismatches, absoluteDifference: report.absoluteDifference };
        if (report.mismatches) logger.warn(summary, 'projection drifts from MySQL');
        else logger.debug(summary, 'projection matches MySQL');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'reconciliation failed'))
      .finally(() => (running = false));
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
