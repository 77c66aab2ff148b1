import { calibrationSettings } from './config';
import { start } from './order-server';
import { runStandalone } from './serve';

/*
 * Standalone calibration order server:
 *   MYSQL_DATABASE=store_manager CALIBRATION_PORT=7070 npm run calibration:orders -w load
 * Its first output line is "calibration order server listening on <url>" (the bench reads the url from it).
 */
runStandalone('calibration order server', () => start(calibrationSettings()));
