import { setTimeout as sleep } from 'node:timers/promises';
import type { StoreEvent } from '@store/contracts';
import { AmqpConnection, type Consumer } from '@store/messaging';
import { createLogger, createMetricsRegistry, type Logger } from '@store/observability';
import { Lifecycle, type RunningServer } from '@store/service-kit';
import type { Config } from './config';
import { openStores, type Stores } from './data-access/stores';
import type { IdFilter } from './domain/ports';
import {
  RebuildInProgressError,
  rebuildProjection,
  rebuildWhenFree,
  type RebuildProgress,
  type RebuildResult,
} from './domain/rebuild.use-case';
import { reconcile, type ReconcileReport } from './domain/reconcile.use-case';
import { createSelfHeal, type HealReason } from './domain/self-heal.use-case';
import { startHttpServer } from './entry-points/http/server';
import { consumingCheck, startOrderEventsConsumer } from './entry-points/messaging/order-events.consumer';
import { scheduleReconcile } from './entry-points/reconcile.schedule';
import { scheduleSelfHeal } from './entry-points/self-heal.schedule';
import { createProjectorMetrics, type ProjectorMetrics } from './metrics';

export interface RebuildOptions {
  /** why it runs, for projection_rebuilds_total: an operator's request or the self-heal check */
  reason?: 'requested' | HealReason;
  signal?: AbortSignal;
}

/** The use cases bound to one set of stores: what the admin routes, the schedule, the CLIs and tests call. */
export interface UseCases {
  stores: Stores;
  rebuild: (
    onProgress?: (progress: RebuildProgress) => Promise<void> | void,
    options?: RebuildOptions,
  ) => Promise<RebuildResult>;
  /** A full reconciliation (no filter) also sets the projection_drift gauge; a filtered one only answers. */
  reconcile: (filter?: IdFilter) => Promise<ReconcileReport>;
}

export interface Projector extends UseCases {
  url: string;
  consumer: Consumer<StoreEvent>;
  stop(): Promise<void>;
}

export interface Overrides {
  logger?: Logger;
  /** the clock of projection_lag_seconds */
  now?: () => number;
}

/** How often an operator's rebuild looks whether another process's rebuild has finished. */
const REBUILD_POLL_MS = 250;

/**
 * Opens the stores and binds the use cases to them, without consuming or listening: the service builds on this
 * and the rebuild and reconcile CLIs use it alone. The caller closes `stores`.
 */
export async function openUseCases(
  config: Config,
  logger: Logger,
  metrics?: Pick<ProjectorMetrics, 'drift' | 'rebuilds'>,
): Promise<UseCases> {
  const stores = await openStores(config, logger);
  // One rebuild at a time in this process: a request while one runs (the self-heal's, say) joins it.
  let running: Promise<RebuildResult> | undefined;
  const runRebuild = async (
    onProgress: ((progress: RebuildProgress) => Promise<void> | void) | undefined,
    { reason = 'requested', signal }: RebuildOptions,
  ): Promise<RebuildResult> => {
    const deps = {
      log: stores.outboxLog,
      target: stores.projection,
      logger,
      batchSize: config.REBUILD_BATCH_SIZE,
      onProgress,
      signal,
    };
    // The self-heal check leaves a rebuild held by another process alone; an operator's request waits for it.
    const result =
      reason === 'requested'
        ? await rebuildWhenFree({ ...deps, pollMs: REBUILD_POLL_MS, sleep: (ms) => sleep(ms) })
        : await rebuildProjection(deps);
    metrics?.rebuilds.inc({ reason });
    return result;
  };
  const rebuild: UseCases['rebuild'] = (onProgress, options = {}) => {
    if (running) {
      logger.info({ reason: options.reason ?? 'requested' }, 'a rebuild runs here: joining it');
      const joined = running.then((result) => ({ ...result, joined: true }));
      if ((options.reason ?? 'requested') !== 'requested') return joined;
      // The run joined may be a self-heal one, which leaves a rebuild held by another process alone and fails:
      // an operator's request then waits for that one, as it would have on its own.
      return joined.catch((error: unknown) => {
        if (error instanceof RebuildInProgressError) return rebuild(onProgress, options);
        throw error;
      });
    }
    running = runRebuild(onProgress, options).finally(() => {
      running = undefined;
    });
    return running;
  };
  return {
    stores,
    rebuild,
    reconcile: async (filter = {}) => {
      const report = await reconcile(
        { mysql: stores.mysqlTotals, projection: stores.projectionTotals },
        filter,
      );
      if (!filter.userIds && !filter.productIds) metrics?.drift.set(report.mismatches);
      return report;
    },
  };
}

/** The projector: order events → Redis, the periodic reconciliation, and health, /metrics and admin on HTTP. */
export async function start(config: Config, overrides: Overrides = {}): Promise<Projector> {
  const logger = overrides.logger ?? createLogger('projector');
  const registry = createMetricsRegistry('projector');
  const metrics = createProjectorMetrics(registry);
  const useCases = await openUseCases(config, logger, metrics);
  const amqp = new AmqpConnection({ url: config.AMQP_URL, logger, name: 'projector' });
  let consumer: Consumer<StoreEvent> | undefined;
  let server: RunningServer | undefined;
  let stopSchedule = (): void => undefined;
  let stopSelfHeal = (): Promise<void> => Promise.resolve();
  const shutdown = new AbortController();
  const lifecycle = new Lifecycle(logger);
  // In this order: in-flight messages finish and ack before anything they need goes away.
  lifecycle.onShutdown('consumer', async () => consumer?.stop());
  lifecycle.onShutdown('self-heal', async () => {
    shutdown.abort(); // a running rebuild stops after its batch and clears its half-built version
    await stopSelfHeal();
  });
  lifecycle.onShutdown('reconcile schedule', () => Promise.resolve(stopSchedule()));
  lifecycle.onShutdown('http', async () => server?.close());
  lifecycle.onShutdown('redis and mysql', () => useCases.stores.close());
  lifecycle.onShutdown('amqp', () => amqp.close());
  try {
    consumer = await startOrderEventsConsumer(amqp, config, useCases.stores.projection, {
      metrics,
      logger,
      now: overrides.now,
    });
    amqp.start();
    await amqp.waitUntilConnected(config.STARTUP_TIMEOUT_MS);
    const readiness = { ...useCases.stores.readiness, rabbitmq: consumingCheck(amqp, consumer) };
    // An operator's rebuild waiting for another process's stops at shutdown, like the self-heal's.
    const actions: UseCases = {
      ...useCases,
      rebuild: (onProgress, options = {}) =>
        useCases.rebuild(onProgress, { signal: shutdown.signal, ...options }),
    };
    server = await startHttpServer(config, { logger, registry, readiness, actions });
    const checkProjection = createSelfHeal({
      target: useCases.stores.projection,
      rebuild: (reason) => useCases.rebuild(undefined, { reason, signal: shutdown.signal }),
      logger,
      observe: (state) => metrics.available.set(state.available ? 1 : 0),
    });
    stopSelfHeal = scheduleSelfHeal(checkProjection, config.PROJECTION_CHECK_INTERVAL_MS, logger);
    stopSchedule = scheduleReconcile(
      () => useCases.reconcile(),
      config.RECONCILE_INTERVAL_SECONDS * 1000,
      logger,
    );
  } catch (error) {
    await lifecycle.shutdown(); // what did open is closed again; the caller sees why it failed
    throw error;
  }
  return { ...useCases, url: server.url, consumer, stop: () => lifecycle.shutdown() };
}
