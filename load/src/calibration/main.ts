import { calibrationSettings } from './config';
import { start } from './order-server';

/*
 * Standalone calibration server (the bench starts this file as a child process, so the server has a thread and
 * a CPU account of its own, apart from the load generator):
 *   MYSQL_DATABASE=store_manager CALIBRATION_PORT=7070 npm run calibration:orders -w load
 * Its first output line is "calibration order server listening on <url>" (the bench reads the url from it).
 */
async function main(): Promise<void> {
  const server = await start(calibrationSettings());
  process.stdout.write(`calibration order server listening on ${server.url}\n`);
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
  process.stderr.write(`calibration server failed to start: ${String(error)}\n`);
  process.exit(1);
});
