import { createLogger } from '@store/observability';
import { mysqlSettings } from '@store/service-kit';
import { readConfig } from './config';
import { migrate, openDatabase } from './data-access/orm';

/** `npm run migrate`: creates the database if needed, applies pending migrations (schema, then seed data). */
async function main(): Promise<void> {
  const logger = createLogger('orders-write-migrate');
  const config = readConfig();
  const orm = await openDatabase(mysqlSettings(config));
  try {
    const applied = await migrate(orm);
    logger.info(
      { database: config.MYSQL_DATABASE, applied },
      applied.length ? 'migrated' : 'already up to date',
    );
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
