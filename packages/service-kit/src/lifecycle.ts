import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '@store/observability';

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Listens on host:port (port 0 picks a free one, as tests do) and resolves once the socket is bound. */
export async function listen(app: Express, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const server = app.listen(port, host);
  await once(server, 'listening');
  // Keep-alive longer than the gateway's upstream keepalive_timeout so nginx never reuses a closing socket.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    port: bound,
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

type ShutdownStep = [name: string, step: () => Promise<unknown>];

/**
 * Graceful shutdown: steps run in the order they were registered (stop accepting first, close pools last),
 * each failure is logged and does not stop the others. Signal and crash handlers are installed once, by main.
 */
export class Lifecycle {
  private readonly steps: ShutdownStep[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs = 15_000,
  ) {}

  onShutdown(name: string, step: () => Promise<unknown>): void {
    this.steps.push([name, step]);
  }

  shutdown(): Promise<void> {
    this.stopping ??= this.runSteps();
    return this.stopping;
  }

  private async runSteps(): Promise<void> {
    for (const [name, step] of this.steps) {
      try {
        await step();
        this.logger.info({ step: name }, 'shutdown step done');
      } catch (error) {
        this.logger.error({ err: error, step: name }, 'shutdown step failed');
      }
    }
  }

  installProcessHandlers(): void {
    const stop = (code: number) => {
      const deadline = setTimeout(() => {
        this.logger.error('shutdown timed out, exiting');
        process.exit(code || 1);
      }, this.timeoutMs);
      deadline.unref();
      void this.shutdown().then(() => process.exit(code));
    };
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        this.logger.info({ signal }, 'shutting down');
        stop(0);
      });
    }
    process.on('uncaughtException', (error) => {
      this.logger.fatal({ err: error }, 'uncaught exception');
      stop(1);
    });
    process.on('unhandledRejection', (reason) => {
      this.logger.fatal({ err: reason }, 'unhandled rejection');
      stop(1);
    });
  }
}
