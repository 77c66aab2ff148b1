import express from 'express';
import Redis from 'ioredis';
import { listenCalibration, type CalibrationServer } from './serve';

export interface RedisCalibrationSettings {
  host: string;
  port: number;
  redisUrl: string;
  /** The one key this server reads (and writes at start): unique per run, so runs and tests never share it. */
  key: string;
}

/** What a rendered highest-spenders report of ten rows looks like: the body the ceiling serves. */
export const SAMPLE_REPORT = JSON.stringify(
  Array.from({ length: 10 }, (_, i) => ({
    user_id: i + 1,
    name: `Calibration user ${i + 1}`,
    total_expense: 1000 - i * 37.5,
  })),
);

/**
 * The Express 5 + Redis ceiling: GET /report answers one Redis GET's value as JSON, and nothing else (no logging,
 * metrics, tracing, validation or cache logic). What reports-read would cost at best.
 */
export async function startRedisCalibration(settings: RedisCalibrationSettings): Promise<CalibrationServer> {
  const redis = new Redis(settings.redisUrl, { lazyConnect: true });
  await redis.connect();
  await redis.set(settings.key, SAMPLE_REPORT);
  const app = express();
  app.get('/report', async (_req, res) => {
    const body = await redis.get(settings.key);
    res.type('application/json').send(body ?? '[]');
  });
  return listenCalibration(app, settings, async () => {
    await redis.del(settings.key);
    await redis.quit();
  });
}
