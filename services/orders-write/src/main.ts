import { createLogger } from '@store/observability';
import { Lifecycle } from '@store/service-kit';
import { readConfig } from './config';
import { startOrdersWrite } from './service';

/** Composition root of orders-write: config, logger, service, shutdown hooks. */
async function main(): Promise<void> {
  const logger = createLogger('orders-write');
  const lifecycle = new Lifecycle(logger);
  lifecycle.installProcessHandlers();
  try {
    const service = await startOrdersWrite(readConfig(), logger);
    lifecycle.onShutdown('orders-write', () => service.stop());
  } catch (error) {
    logger.fatal({ err: error }, 'orders-write failed to start');
    process.exit(1);
  }
}

void main();
