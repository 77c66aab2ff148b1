import { createLogger, createMetricsRegistry, type Logger } from '@store/observability';
import { Lifecycle, listen, mysqlSettings } from '@store/service-kit';
import type { Config } from './config';
import { Database } from './data-access/database';
import type { OrderBatchHooks } from './data-access/order-batch.store';
import type { OrderBatcher } from './domain/group-commit';
import type { CommittedEvent } from './domain/group-commit.ports';
import { migrate, openDatabase, type MikroORM } from './data-access/orm';
import { createApp } from './entry-points/http/server';
import { watchOutboxBacklog } from './messaging/outbox-backlog';
import { OutboxRelay } from './messaging/outbox-relay';
import { connectRelayBroker } from './messaging/relay-broker';
import { faultInjector } from './data-access/fault-injection';
import { createWriteMetrics, statementKind, type WriteMetrics } from './metrics';
import { startGroupCommit } from './data-access/start-group-commit';

/** What a caller (main, a test, a CLI) may replace; everything else comes from the config. */
export interface Overrides {
  logger?: Logger;
  /** Every SQL statement sent, after it is counted in db_queries_total (tests count the N+1 with it). */
  onQuery?: (sql: string) => void;
  /** The clock of the use cases and the relay. */
  now?: () => Date;
  /** Test-only faults around the group commit's write round trip. */
  orderBatchHooks?: OrderBatchHooks;
}

export interface OrdersWrite {
  url: string;
  port: number;
  db: Database;
  /** Undefined when OUTBOX_RELAY_ENABLED is false. */
  relay: OutboxRelay | undefined;
  /** Undefined when orders take the per-order path (ORDER_BATCHING=off or PRODUCT_LOOKUP=n-plus-one). */
  orderBatcher: OrderBatcher | undefined;
  metrics: WriteMetrics;
  /** Stops accepting requests, lets the relay finish its batch, closes the broker and the pool; idempotent. */
  stop(): Promise<void>;
}

/** The composition root of orders-write: database (migrated if configured), outbox relay, HTTP API. */
export async function start(config: Config, overrides: Overrides = {}): Promise<OrdersWrite> {
  const logger = overrides.logger ?? createLogger('orders-write');
  const now = overrides.now ?? (() => new Date());
  const registry = createMetricsRegistry('orders-write');
  const metrics = createWriteMetrics(registry);
  const lifecycle = new Lifecycle(logger);
  const onQuery = (sql: string) => {
    metrics.dbQueries.inc({ statement: statementKind(sql) });
    overrides.onQuery?.(sql);
  };
  const orm = await openOrm(config, logger, onQuery);
  const db = new Database(orm);
  let relay: RunningRelay | undefined;
  const faults = faultInjector(config.FAULT_INJECTION, config.FAULT_INJECTION_DIR, logger);
  const onCommitted = () => {
    faults.afterCommit();
    relay?.relay.nudge();
  };
  const orderBatchHooks = overrides.orderBatchHooks ?? faults.orderBatchHooks;
  // A batch's events are published by its writer right after the COMMIT (the relay sweeps what is left).
  const committed = (events: CommittedEvent[]) => {
    faults.afterCommit();
    relay?.relay.publishCommitted(events);
  };
  const groupCommit = startGroupCommit(config, {
    metrics,
    logger,
    now,
    onQuery,
    committed,
    ...(orderBatchHooks ? { hooks: orderBatchHooks } : {}),
  });
  try {
    if (config.MIGRATE_ON_START) await migrateLogged(orm, logger);
    if (config.OUTBOX_RELAY_ENABLED)
      relay = await startRelay(config, {
        db,
        logger,
        metrics,
        now,
        writersPublishOrders: Boolean(groupCommit),
      });
    const app = createApp({
      db,
      logger,
      registry,
      metrics,
      productLookup: config.PRODUCT_LOOKUP,
      now,
      onCommitted,
      ...(groupCommit ? { orderBatcher: groupCommit.batcher } : {}),
      readiness: { mysql: () => db.ping(), ...(relay ? { rabbitmq: relay.ready } : {}) },
    });
    const http = await listen(app, config.PORT, config.HOST);
    // Steps run in this order: no new requests first, then the relay's last batch, then the pool it used.
    lifecycle.onShutdown('http', () => http.close());
    if (groupCommit) lifecycle.onShutdown('order batches', groupCommit.stop);
    if (relay) lifecycle.onShutdown('outbox relay', relay.stop);
    lifecycle.onShutdown('mysql', () => orm.close());
    logger.info(
      {
        url: http.url,
        productLookup: config.PRODUCT_LOOKUP,
        orderBatching: Boolean(groupCommit),
        relay: Boolean(relay),
      },
      'orders-write listening',
    );
    return {
      url: http.url,
      port: http.port,
      db,
      relay: relay?.relay,
      orderBatcher: groupCommit?.batcher,
      metrics,
      stop: () => lifecycle.shutdown(),
    };
  } catch (error) {
    await relay?.stop();
    await groupCommit?.stop();
    await orm.close();
    throw error;
  }
}

/** The ORM as the service and the migrate CLI use it: same settings, MikroORM's messages in the pino log. */
export function openOrm(config: Config, logger: Logger, onQuery?: (sql: string) => void): Promise<MikroORM> {
  return openDatabase({
    ...mysqlSettings(config),
    log: (message) => logger.debug({ component: 'mikro-orm' }, message),
    ...(onQuery ? { onQuery } : {}),
  });
}

/** Creates the database if needed and applies pending migrations; returns their names. */
export async function migrateLogged(orm: MikroORM, logger: Logger): Promise<string[]> {
  const applied = await migrate(orm);
  logger.info(
    { database: orm.config.get('dbName'), applied },
    applied.length ? 'migrated' : 'schema up to date',
  );
  return applied;
}

interface RunningRelay {
  relay: OutboxRelay;
  ready: () => Promise<void>;
  stop: () => Promise<void>;
}

/** The relay, its broker connection and its backlog gauges, started together and stopped in reverse. */
async function startRelay(
  config: Config,
  deps: {
    db: Database;
    logger: Logger;
    metrics: WriteMetrics;
    now: () => Date;
    writersPublishOrders: boolean;
  },
): Promise<RunningRelay> {
  const { db, logger, metrics, now, writersPublishOrders } = deps;
  const broker = await connectRelayBroker(config, { logger, publishDuration: metrics.relayPublishDuration });
  const relay = new OutboxRelay({
    db,
    logger,
    now,
    publish: broker.publish,
    pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    batchSize: config.OUTBOX_BATCH_SIZE,
    maxBackoffMs: config.OUTBOX_MAX_BACKOFF_MS,
    sweepGraceMs: config.OUTBOX_SWEEP_GRACE_MS,
    markIntervalMs: config.OUTBOX_MARK_INTERVAL_MS,
    writersPublishOrders,
  });
  relay.onEvent((event) => {
    if (event.kind === 'failed') metrics.outboxPublishFailures.inc();
    else for (const published of event.events) metrics.outboxPublished.inc({ type: published.type });
  });
  const stopWatchingBacklog = watchOutboxBacklog({
    db,
    logger,
    now,
    gauges: { pending: metrics.outboxPending, oldestAgeSeconds: metrics.outboxOldestAge },
    intervalMs: config.OUTBOX_BACKLOG_INTERVAL_MS,
  });
  relay.start();
  return {
    relay,
    ready: broker.ready,
    stop: async () => {
      await stopWatchingBacklog();
      await relay.stop();
      await broker.close();
    },
  };
}
