// Jest loads global set-up without its moduleNameMapper, so workspace sources are imported by path here.
import { ensureInfrastructure } from '../../../packages/testing/src/ensure-infrastructure';
import { migrate, openDatabase } from '../src/data-access/orm';
import { adminSettings, dropStaleRunDatabases, newRunDatabaseName } from './run-database';

/**
 * Global set-up of the whole integration tier: the real services must answer, and the run gets a database of
 * its own (run-database.ts), migrated once; never the one `npm start` uses. Every service's tests read the
 * database name from MYSQL_DATABASE, set here before any test worker starts. A MYSQL_DATABASE given by the
 * caller is used as it is (and kept).
 */
export default async function globalSetup(): Promise<void> {
  await ensureInfrastructure();
  const settings = adminSettings();
  await dropStaleRunDatabases(settings);
  if (!process.env.MYSQL_DATABASE) {
    process.env.MYSQL_DATABASE = newRunDatabaseName();
    process.env.STORE_TEST_RUN_DATABASE = process.env.MYSQL_DATABASE; // the teardown drops only this one
  }
  const orm = await openDatabase({ ...settings, database: process.env.MYSQL_DATABASE, poolMax: 2 });
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }
}
