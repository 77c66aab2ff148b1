import { createLogger } from '@store/observability';
import { readConfig } from './config';
import { openStores } from './dependencies';
import { rebuildProjection } from './domain/rebuild.use-case';

/** `npm run rebuild -w services/projector`: replays the outbox into a new projection version and switches to it. */
async function main(): Promise<number> {
  const config = readConfig();
  const logger = createLogger('projector-rebuild');
  const stores = openStores(config, logger);
  try {
    const result = await rebuildProjection({
      log: stores.outboxLog,
      target: stores.projection,
      logger,
      batchSize: config.REBUILD_BATCH_SIZE,
      onProgress: (progress) => logger.info(progress, 'rebuild progress'),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    logger.error({ err: error }, 'rebuild failed');
    return 1;
  } finally {
    await stores.close();
  }
}

void main().then((code) => process.exit(code));
