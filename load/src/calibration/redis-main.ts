import { redisCalibrationSettings } from './config';
import { startRedisCalibration } from './redis-server';

/*
 * Standalone Express 5 + Redis calibration server (the bench starts it as a child process, like main.ts):
 *   CALIBRATION_PORT=7071 node load/dist/src/calibration/redis-main.js
 * Its first output line is "calibration redis server listening on <url>".
 */
async function main(): Promise<void> {
  const server = await startRedisCalibration(redisCalibrationSettings());
  process.stdout.write(`calibration redis server listening on ${server.url}\n`);
  const stop = () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`calibration redis server failed to start: ${String(error)}\n`);
  process.exit(1);
});
