import { redisCalibrationSettings } from './config';
import { startRedisCalibration } from './redis-server';
import { runStandalone } from './serve';

/*
 * Standalone Express 5 + Redis calibration server:
 *   CALIBRATION_PORT=7071 node load/dist/src/calibration/redis-main.js
 * Its first output line is "calibration redis server listening on <url>".
 */
runStandalone('calibration redis server', () => startRedisCalibration(redisCalibrationSettings()));
