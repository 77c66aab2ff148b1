import { adminSettings, dropRunDatabase } from './run-database';

/** Drops the database the global set-up created for this run (a database the caller named is kept). */
export default async function globalTeardown(): Promise<void> {
  const database = process.env.STORE_TEST_RUN_DATABASE;
  if (database) await dropRunDatabase(adminSettings(), database);
}
