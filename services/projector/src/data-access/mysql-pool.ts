import { createPool, type Pool } from 'mysql2/promise';
import type { Config } from '../config';

/** timezone 'Z': DATETIME columns hold UTC, so they must not be read as local time. */
export const createMysqlPool = (config: Config): Pool =>
  createPool({
    host: config.MYSQL_HOST,
    port: config.MYSQL_PORT,
    user: config.MYSQL_USER,
    password: config.MYSQL_PASSWORD,
    database: config.MYSQL_DATABASE,
    connectionLimit: config.MYSQL_POOL_MAX,
    timezone: 'Z',
  });
