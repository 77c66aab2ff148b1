import express, { type ErrorRequestHandler } from 'express';
import { createPool } from 'mysql2/promise';
import type { CalibrationSettings } from './config';
import { isOrderRequest, placeOrder } from './place-order';
import { listenCalibration, type CalibrationServer } from './serve';

export type { CalibrationServer } from './serve';

/** A user or product that does not exist (foreign key on orders.user_id). */
const ER_NO_REFERENCED_ROW_2 = 1452;

/**
 * The calibration server: Express 5 + mysql2 and nothing else (no logging, metrics, tracing or validation library),
 * serving POST /orders with the bare per-order transaction. The benchmark's yardstick, not a service.
 */
export async function start(settings: CalibrationSettings): Promise<CalibrationServer> {
  const pool = createPool({ ...settings.mysql, connectionLimit: settings.poolMax, timezone: 'Z' });
  const app = express();
  app.use(express.json());
  app.post('/orders', async (req, res) => {
    if (!isOrderRequest(req.body)) {
      res.status(400).json({ error: 'expected {user_id, items: [{product_id, quantity}]}' });
      return;
    }
    const outcome = await placeOrder(pool, req.body);
    res.status(outcome.status).json(outcome.body);
  });
  const onError: ErrorRequestHandler = (error: { errno?: number; message?: string }, _req, res, _next) => {
    const unknownUser = error.errno === ER_NO_REFERENCED_ROW_2;
    res.status(unknownUser ? 404 : 500).json({ error: unknownUser ? 'unknown user' : String(error.message) });
  };
  app.use(onError);
  return listenCalibration(app, settings, () => pool.end());
}
