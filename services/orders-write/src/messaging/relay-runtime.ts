import type { Logger } from '@store/observability';
import type { Config } from '../config';
import type { Database } from '../data-access/database';
import type { WriteMetrics } from '../metrics';
import { OutboxRelay } from './outbox-relay';

export interface RunningRelay {
  relay: OutboxRelay;
  ready(): Promise<void>;
  stop(): Promise<void>;
}

/** Placeholder until @store/messaging lands: the broker connection and confirm publisher plug in here. */
export async function startRelay(
  _config: Config,
  deps: { db: Database; logger: Logger; metrics: WriteMetrics },
): Promise<RunningRelay> {
  const relay = new OutboxRelay({
    db: deps.db,
    logger: deps.logger,
    now: () => new Date(),
    publish: () => Promise.reject(new Error('broker not wired yet')),
    pollIntervalMs: 1000,
    batchSize: 100,
    maxBackoffMs: 30_000,
  });
  relay.start();
  return { relay, ready: () => Promise.resolve(), stop: () => relay.stop() };
}
