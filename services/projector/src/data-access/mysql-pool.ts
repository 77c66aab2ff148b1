import type { Pool } from 'mysql2/promise';
import { createMysqlPool as createPool, mysqlSettings } from '@store/service-kit';
import type { Config } from '../config';

export const createMysqlPool = (config: Config): Pool => createPool(mysqlSettings(config));
