import { join } from 'node:path';
import { startChildServer, type ChildServer } from './calibration/child-server';

export type CalibrationProcess = ChildServer;

/** The calibration order server (Express 5 + mysql2, the bare order transaction) on `database`, as a child process. */
export function startCalibrationProcess(database: string): Promise<CalibrationProcess> {
  return startChildServer(join(__dirname, 'calibration/main.js'), { MYSQL_DATABASE: database });
}
