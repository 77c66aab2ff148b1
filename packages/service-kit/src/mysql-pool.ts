import { createPool, type Pool } from 'mysql2/promise';
import type { MysqlSettings } from './config';

/**
 * A mysql2 pool for the services that read MySQL without the ORM.
 * timezone 'Z': DATETIME columns hold UTC and must not be read as local time. A short connect timeout makes a
 * request fail fast (503) while MySQL is down instead of hanging.
 */
export function createMysqlPool(
  settings: MysqlSettings,
  /** multipleStatements: several statements per round trip (for a group commit; off unless asked for). */
  options: { multipleStatements?: boolean } = {},
): Pool {
  return createPool({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    connectionLimit: settings.poolMax,
    timezone: 'Z',
    connectTimeout: 2_000,
    enableKeepAlive: true,
    multipleStatements: options.multipleStatements ?? false,
  });
}

/** JSON columns: MariaDB's JSON is LONGTEXT, so drivers hand back text there and a parsed value on MySQL 8. */
export const parseJsonColumn = (value: unknown): unknown =>
  typeof value === 'string' ? JSON.parse(value) : value;
