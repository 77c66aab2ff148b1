import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface CalibrationServer {
  url: string;
  stop(): Promise<void>;
}

/** Listens with a calibration app; `stop` closes it, then releases what the app holds (`release`). */
export async function listenCalibration(
  app: Express,
  where: { host: string; port: number },
  release: () => Promise<unknown>,
): Promise<CalibrationServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(where.port, where.host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${where.host}:${port}`,
    async stop() {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await release();
    },
  };
}

/**
 * The body of a standalone calibration program (the benches start these as child processes, so a server has a
 * thread and a CPU account of its own, apart from the load generator): its first output line is
 * "<label> listening on <url>", which the parent reads; SIGTERM/SIGINT stop it.
 */
export function runStandalone(label: string, start: () => Promise<CalibrationServer>): void {
  start()
    .then((server) => {
      process.stdout.write(`${label} listening on ${server.url}\n`);
      const stop = () => {
        server.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${label} failed to start: ${String(error)}\n`);
      process.exit(1);
    });
}
