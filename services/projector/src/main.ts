import type { StoreEvent } from '@store/contracts';
import { AmqpConnection, type Consumer } from '@store/messaging';
import { createLogger, createMetricsRegistry, type Logger } from '@store/observability';
import { Lifecycle } from '@store/service-kit';
import { readConfig, type Config } from './config';
import { openStores, type Stores } from './dependencies';
import { startHttpServer } from './entry-points/http/http-server';
import { consumingCheck, startOrderEventsConsumer } from './entry-points/messaging/order-events.consumer';
import { scheduleReconcile } from './entry-points/reconcile.schedule';
import { createProjectorActions, type ProjectorActions } from './projector-actions';
import { createProjectorMetrics } from './projector-metrics';

export interface Projector extends ProjectorActions {
  url: string;
  stores: Stores;
  consumer: Consumer<StoreEvent>;
  lifecycle: Lifecycle;
  stop(): Promise<void>;
}

const running = new Set<Projector>();

export async function start(config: Config, logger: Logger = createLogger('projector')): Promise<Projector> {
  const registry = createMetricsRegistry('projector');
  const metrics = createProjectorMetrics(registry);
  const stores = openStores(config, logger);
  const amqp = new AmqpConnection({ url: config.AMQP_URL, logger, name: 'projector' });
  const consumer = await startOrderEventsConsumer(amqp, config, stores.projection, { metrics, logger });
  amqp.start();
  await amqp.waitUntilConnected(config.STARTUP_TIMEOUT_MS);
  const actions = createProjectorActions(config, stores, metrics, logger);
  const readiness = { ...stores.readiness, rabbitmq: consumingCheck(amqp, consumer) };
  const server = await startHttpServer(config, { logger, registry, readiness, actions });
  const stopSchedule = scheduleReconcile(() => actions.reconcile(), config, logger);
  const lifecycle = new Lifecycle(logger);
  // In this order: in-flight messages finish and ack before anything they need goes away.
  lifecycle.onShutdown('consumer', () => consumer.stop());
  lifecycle.onShutdown('reconcile schedule', () => Promise.resolve(stopSchedule()));
  lifecycle.onShutdown('http', () => server.close());
  lifecycle.onShutdown('redis and mysql', () => stores.close());
  lifecycle.onShutdown('amqp', () => amqp.close());
  const shutdown = () => lifecycle.shutdown();
  const projector = { ...actions, url: server.url, stores, consumer, lifecycle, stop: shutdown };
  running.add(projector);
  lifecycle.onShutdown('forget', () => Promise.resolve(running.delete(projector)));
  return projector;
}

/** Stops every projector this process started. */
export const stop = async (): Promise<void> => void (await Promise.all([...running].map((p) => p.stop())));

if (require.main === module) {
  const logger = createLogger('projector');
  start(readConfig(), logger)
    .then((projector) => projector.lifecycle.installProcessHandlers())
    .catch((error: unknown) => {
      logger.fatal({ err: error }, 'projector failed to start');
      process.exit(1);
    });
}
