import { createMetricsRegistry, type Logger } from '@store/observability';
import { listen, mysqlSettings, type RunningServer } from '@store/service-kit';
import type { Config } from './config';
import { Database } from './data-access/database';
import { migrate, openDatabase } from './data-access/orm';
import { createApp } from './entry-points/http/server';
import { createWriteMetrics, statementKind } from './metrics';
import { startRelay, type RunningRelay } from './messaging/relay-runtime';

export interface OrdersWriteService {
  http: RunningServer;
  db: Database;
  relay: RunningRelay | undefined;
  stop(): Promise<void>;
}

export interface ServiceHooks {
  /** Every SQL statement sent, after it is counted in db_queries_total (tests count the N+1 with it). */
  onQuery?: (sql: string) => void;
}

/**
 * Builds and starts orders-write: database (migrated if configured), HTTP API, outbox relay. Stopping reverses
 * it: stop accepting requests, let the relay finish its batch, close the broker and the pool.
 */
export async function startOrdersWrite(
  config: Config,
  logger: Logger,
  hooks: ServiceHooks = {},
): Promise<OrdersWriteService> {
  const registry = createMetricsRegistry('orders-write');
  const metrics = createWriteMetrics(registry);
  const orm = await openDatabase({
    ...mysqlSettings(config),
    log: (message) => logger.debug({ component: 'mikro-orm' }, message),
    onQuery: (sql) => {
      metrics.dbQueries.inc({ statement: statementKind(sql) });
      hooks.onQuery?.(sql);
    },
  });
  if (config.MIGRATE_ON_START) {
    const applied = await migrate(orm);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const db = new Database(orm);
  const relay = config.OUTBOX_RELAY_ENABLED ? await startRelay(config, { db, logger, metrics }) : undefined;
  const app = createApp({
    db,
    logger,
    registry,
    metrics,
    productLookup: config.PRODUCT_LOOKUP,
    now: () => new Date(),
    onCommitted: () => relay?.relay.nudge(),
    readiness: { mysql: () => db.ping(), ...(relay ? { rabbitmq: () => relay.ready() } : {}) },
  });
  const http = await listen(app, config.PORT, config.HOST);
  logger.info(
    { url: http.url, productLookup: config.PRODUCT_LOOKUP, relay: Boolean(relay) },
    'orders-write listening',
  );
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await http.close();
    await relay?.stop();
    await orm.close();
  };
  // Safe to call twice (a test's finally and a signal handler may both stop it).
  return { http, db, relay, stop: () => (stopping ??= stop()) };
}
