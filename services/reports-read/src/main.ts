import { createLogger } from '@store/observability';
import { Lifecycle } from '@store/service-kit';
import { readConfig } from './config';
import { SERVICE, start } from './server';

/** Composition root: config → server → process signals. */
async function main(): Promise<void> {
  const logger = createLogger(SERVICE);
  const lifecycle = new Lifecycle(logger);
  lifecycle.installProcessHandlers();
  const server = await start(readConfig(), { logger });
  lifecycle.onShutdown(SERVICE, () => server.stop());
}

// Only when run as the program (npm start), never when imported.
if (require.main === module) {
  main().catch((error: unknown) => {
    createLogger(SERVICE).fatal({ err: error }, 'reports-read failed to start');
    process.exit(1);
  });
}
