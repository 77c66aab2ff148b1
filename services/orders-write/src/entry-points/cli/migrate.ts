import { createLogger } from '@store/observability';
import { migrateLogged, openOrm } from '../../app';
import { readConfig } from '../../config';

/** `npm run migrate`: creates the database if needed, applies pending migrations (schema, then seed data). */
async function main(): Promise<void> {
  const logger = createLogger('orders-write-migrate');
  const orm = await openOrm(readConfig(), logger);
  try {
    await migrateLogged(orm, logger);
  } finally {
    await orm.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    createLogger('orders-write-migrate').fatal({ err: error }, 'migration failed');
    process.exit(1);
  });
}
