import { z } from 'zod';
import type { RedisCalibrationSettings } from './redis-server';

const port = z.coerce.number().int().min(0).max(65535);

/** The calibration server's environment, read once: the same MYSQL_* names the services use. */
const schema = z.object({
  CALIBRATION_HOST: z.string().min(1).default('127.0.0.1'),
  /** 0 lets the system pick a free port (the bench and the tests do). */
  CALIBRATION_PORT: port.default(0),
  /** 20 = the stack's 2 orders-write replicas × their pool of 10. */
  CALIBRATION_POOL_MAX: z.coerce.number().int().min(1).default(20),
  MYSQL_HOST: z.string().min(1).default('127.0.0.1'),
  MYSQL_PORT: port.default(3306),
  MYSQL_USER: z.string().min(1).default('root'),
  MYSQL_PASSWORD: z.string().default(''),
  MYSQL_DATABASE: z.string().min(1).default('store_manager'),
});

export interface CalibrationSettings {
  host: string;
  port: number;
  poolMax: number;
  mysql: { host: string; port: number; user: string; password: string; database: string };
}

export function calibrationSettings(env: NodeJS.ProcessEnv = process.env): CalibrationSettings {
  const config = schema.parse(env);
  return {
    host: config.CALIBRATION_HOST,
    port: config.CALIBRATION_PORT,
    poolMax: config.CALIBRATION_POOL_MAX,
    mysql: {
      host: config.MYSQL_HOST,
      port: config.MYSQL_PORT,
      user: config.MYSQL_USER,
      password: config.MYSQL_PASSWORD,
      database: config.MYSQL_DATABASE,
    },
  };
}

const redisSchema = z.object({
  CALIBRATION_HOST: z.string().min(1).default('127.0.0.1'),
  CALIBRATION_PORT: port.default(0),
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  /** The key read by the Express + Redis ceiling; the default is unique to the process. */
  CALIBRATION_REDIS_KEY: z.string().min(1).default(`calibration:${process.pid}:report`),
});

export function redisCalibrationSettings(env: NodeJS.ProcessEnv = process.env): RedisCalibrationSettings {
  const config = redisSchema.parse(env);
  return {
    host: config.CALIBRATION_HOST,
    port: config.CALIBRATION_PORT,
    redisUrl: config.REDIS_URL,
    key: config.CALIBRATION_REDIS_KEY,
  };
}
