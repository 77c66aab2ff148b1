import { releaseStackLock, runScript } from './stack';

/** Stops the e2e stack by its pid files, whether the tests passed or not, then lets the next e2e run start. */
export default function globalTeardown(): void {
  const stopped = runScript('infra/local/stop.sh', {}, 60_000);
  releaseStackLock();
  if (stopped.status !== 0) throw new Error(`e2e: stopping the stack failed:\n${stopped.output}`);
}
