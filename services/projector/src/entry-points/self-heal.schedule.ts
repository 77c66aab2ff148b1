import { untraced, type Logger } from '@store/observability';
import type { HealCheck } from '../domain/self-heal.use-case';

/**
 * Runs the self-heal check now and then every `intervalMs` (0 turns it off), never two at once; a check that
 * rebuilds runs as long as the rebuild. Returns the function that stops it and waits for a running check.
 * Untraced: housekeeping every second would fill the trace store; the rebuild logs what it does.
 */
export function scheduleSelfHeal(
  check: () => Promise<HealCheck>,
  intervalMs: number,
  logger: Logger,
): () => Promise<void> {
  if (intervalMs <= 0) return () => Promise.resolve();
  let running: Promise<void> | undefined;
  let failing = false;
  const tick = () => {
    if (running) return;
    running = untraced(check)
      .then(() => {
        if (failing) logger.info('projection check works again');
        failing = false;
      })
      .catch((error: unknown) => {
        // Redis or MySQL down: logged once per outage, retried every interval.
        if (!failing) logger.warn({ err: error }, 'projection check failed; retrying');
        failing = true;
      })
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
