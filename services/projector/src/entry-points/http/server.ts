import type { Logger, Registry } from '@store/observability';
import {
  createHttpApp,
  finishHttpApp,
  listen,
  type ReadinessChecks,
  type RunningServer,
} from '@store/service-kit';
import type { Config } from '../../config';
import { adminRouter, type AdminActions } from './admin.routes';

/** Health, /metrics and the admin routes on the projector's own port (5201). */
export async function startHttpServer(
  config: Pick<Config, 'HOST' | 'PORT'>,
  options: {
    logger: Logger;
    registry: Registry;
    readiness: ReadinessChecks;
    actions: AdminActions;
  },
): Promise<RunningServer> {
  const { logger } = options;
  const app = createHttpApp({
    service: 'projector',
    logger,
    metrics: options.registry,
    readiness: options.readiness,
  });
  app.use(adminRouter(options.actions));
  finishHttpApp(app, logger);
  const server = await listen(app, config.PORT, config.HOST);
  logger.info({ url: server.url }, 'projector HTTP listening');
  return server;
}
