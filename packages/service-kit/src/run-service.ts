import { createLogger, shutdownTracing, type Logger } from '@store/observability';
import { Lifecycle } from './lifecycle';

export interface StartedService {
  url: string;
  stop(): Promise<void>;
}

/**
 * The body of every service's main.ts: start the service, stop it on SIGTERM/SIGINT (then flush the traces),
 * exit 1 if it cannot start. Process handlers are installed here and nowhere else.
 */
export function runService(name: string, start: (logger: Logger) => Promise<StartedService>): void {
  const logger = createLogger(name);
  const lifecycle = new Lifecycle(logger);
  lifecycle.installProcessHandlers();
  start(logger)
    .then((service) => {
      lifecycle.onShutdown(name, () => service.stop());
      lifecycle.onShutdown('tracing', shutdownTracing);
    })
    .catch(async (error: unknown) => {
      logger.fatal({ err: error }, `${name} failed to start`);
      await shutdownTracing();
      process.exit(1);
    });
}
