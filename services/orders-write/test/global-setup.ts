// Jest loads global set-up without its moduleNameMapper, so workspace sources are imported by path here.
import { ensureInfrastructure } from '../../../packages/testing/src/ensure-infrastructure';
import { migrate, openDatabase } from '../src/data-access/orm';

/**
 * Global set-up of the whole integration tier: the real services must answer, and the test database
 * (store_manager_test, never the one `npm start` uses) gets the schema once. Every service's tests read the
 * database name from MYSQL_DATABASE, set here before any test worker starts.
 */
export default async function globalSetup(): Promise<void> {
  await ensureInfrastructure();
  process.env.MYSQL_DATABASE ??= 'store_manager_test';
  const orm = await openDatabase({
    host: process.env.MYSQL_HOST ?? '127.0.0.1',
    port: Number(process.env.MYSQL_PORT ?? 3306),
    user: process.env.MYSQL_USER ?? 'root',
    password: process.env.MYSQL_PASSWORD ?? '',
    database: process.env.MYSQL_DATABASE,
    poolMax: 2,
  });
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }
}
