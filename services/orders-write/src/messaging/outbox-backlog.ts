import { untraced, type Gauge, type Logger } from '@store/observability';
import type { Database } from '../data-access/database';

export interface BacklogGauges {
  pending: Gauge;
  oldestAgeSeconds: Gauge;
}

/**
 * Refreshes the outbox backlog gauges now and every `intervalMs`; the returned function stops it and waits for a
 * query in flight (so none runs on a closed pool). The query is housekeeping that runs all the time on every
 * replica: it is kept out of the traces.
 */
export function watchOutboxBacklog(deps: {
  db: Database;
  gauges: BacklogGauges;
  logger: Logger;
  now: () => Date;
  intervalMs: number;
}): () => Promise<void> {
  const refresh = () =>
    untraced(() => deps.db.read((repositories) => repositories.outbox.backlog(deps.now())))
      .then(({ pending, oldestAgeSeconds }) => {
        deps.gauges.pending.set(pending);
        deps.gauges.oldestAgeSeconds.set(oldestAgeSeconds);
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'outbox backlog query failed'));
  let inFlight = refresh();
  const timer = setInterval(() => void (inFlight = refresh()), deps.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}
