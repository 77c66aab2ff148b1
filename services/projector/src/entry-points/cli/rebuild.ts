import { createLogger, type Logger } from '@store/observability';
import { openUseCases } from '../../app';
import { readConfig } from '../../config';

/** `npm run rebuild -w services/projector`: replays the outbox into a new projection version and switches to it. */
async function main(logger: Logger): Promise<number> {
  const { stores, rebuild } = await openUseCases(readConfig(), logger);
  try {
    const result = await rebuild((progress) => logger.info(progress, 'rebuild progress'));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } finally {
    await stores.close();
  }
}

const logger = createLogger('projector-rebuild');
void main(logger)
  .catch((error: unknown) => {
    logger.error({ err: error }, 'rebuild failed');
    return 1;
  })
  .then((code) => process.exit(code));
