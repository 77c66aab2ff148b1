import { acquireStackLock, releaseStackLock, runScript, STACK_DIR } from './stack';

/**
 * Starts the e2e tier's own stack through the same script as `npm start` (other ports, see stack.ts). Installs
 * nginx, prometheus and docker-compose first when missing, so the tier runs on a fresh machine of this kind.
 * Waits for any other e2e run on this machine to finish (lock), then stops a stack left over by an interrupted run
 * (by its pid files) before starting.
 */
export default async function globalSetup(): Promise<void> {
  const tools = runScript('infra/local/install-tools.sh');
  if (tools.status !== 0) throw new Error(`e2e: installing the stack's tools failed:\n${tools.output}`);
  await acquireStackLock();
  runScript('infra/local/stop.sh');
  const started = runScript('infra/local/start.sh');
  if (started.status !== 0) {
    runScript('infra/local/stop.sh');
    releaseStackLock();
    throw new Error(
      `e2e: the stack in ${STACK_DIR} did not start (logs in ${STACK_DIR}/logs):\n${started.output}`,
    );
  }
}
