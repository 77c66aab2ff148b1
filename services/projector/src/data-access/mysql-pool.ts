import type { Pool } from 'mysql2/promise';
import { createMysqlPool as createPool, readerMysqlSettings } from '@store/service-kit';
import type { Config } from '../config';

export const createMysqlPool = (config: Config): Pool =>
  createPool(readerMysqlSettings(config, 'PROJECTOR_'));
