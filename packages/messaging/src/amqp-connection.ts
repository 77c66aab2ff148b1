/*
 * One AMQP connection per process, kept alive: reconnects with capped, jittered exponential backoff and re-runs
 * the `onConnected` hooks (topology, consumer subscriptions) on every new connection.
 *
 * Why plain amqplib and not amqp-connection-manager: the wrapper buffers publishes in memory while the broker
 * is away and resolves them later, which hides exactly what the outbox relay must see (a publish is either
 * confirmed now or failed now, and the outbox row stays for the next round); its channel wrapper also makes
 * "reject every pending confirm when the channel dies" hard to guarantee. What we need on top of amqplib is
 * small: a reconnect loop, setup hooks, and readiness. Keeping it here keeps every failure path visible.
 *
 * Gotchas met with amqplib 0.10:
 * - a ChannelModel re-emits connection errors; with no 'error' listener the process crashes;
 * - `stream.destroy()` without an error emits no 'end'/'error', so amqplib never notices: only heartbeats do,
 *   which is why a heartbeat is set by default (the broker's default is 60 s);
 * - `close()` on a half-open socket waits forever for close-ok: it is bounded here, then the socket destroyed.
 */
import { connect, type ChannelModel } from 'amqplib';
import type { Logger } from '@store/observability';
import { backoffDelay, type BackoffOptions } from './backoff';
import { EventHub } from './events';
import { Sleeper } from './sleeper';

export type ConnectedHook = (model: ChannelModel) => Promise<void>;

export interface AmqpConnectionOptions {
  url: string;
  logger: Logger;
  /** Shown by RabbitMQ as the connection name (client property connection_name). */
  name?: string;
  reconnect?: Partial<BackoffOptions>;
  /** Added to the URL unless it already has `?heartbeat=`. */
  heartbeatSeconds?: number;
  connectTimeoutMs?: number;
}

export interface ConnectionEvents {
  connected: { attempt: number };
  disconnected: { error?: Error };
  error: { error: Error };
}

export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
}

/**
 * Thrown by a connect hook for a broker state that reconnecting will not change (e.g. a queue declared with other
 * arguments). waitUntilConnected rejects with it at once, so a starting service fails with the reason instead of a
 * timeout; the loop still retries in the background, so a running process heals once someone fixed the broker.
 */
export class SetupError extends Error {
  override readonly name: string = 'SetupError';
}

const CLOSE_TIMEOUT_MS = 2_000;

export class AmqpConnection {
  private readonly events = new EventHub<ConnectionEvents>();
  private readonly hooks: ConnectedHook[] = [];
  private readonly readyWaiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>();
  private readonly backoff: BackoffOptions;
  private readonly logger: Logger;
  private model?: ChannelModel;
  private ready = false;
  private closing = false;
  private loop?: Promise<void>;
  private readonly sleeper = new Sleeper();

  constructor(private readonly options: AmqpConnectionOptions) {
    this.logger = options.logger.child({ component: 'amqp-connection' });
    // Capped at 5 s: a reconnect attempt to a dead broker is cheap, and a longer cap kept the publisher and the
    // consumer away for up to 30 s after the broker was back (npm run chaos, RabbitMQ restart: 43–84 s recovery).
    this.backoff = { initialDelayMs: 250, maxDelayMs: 5_000, ...options.reconnect };
  }

  readonly on = this.events.on.bind(this.events);
  readonly waitFor = this.events.waitFor.bind(this.events);

  /** Starts connecting in the background (idempotent); pair it with waitUntilConnected. */
  start(): void {
    if (this.loop || this.closing) return;
    this.loop = this.run();
  }

  /** Connected and every hook ran: the readiness check. */
  isConnected(): boolean {
    return this.ready;
  }

  /** The live connection, or undefined between connections. Channels made on it die with it. */
  get channelModel(): ChannelModel | undefined {
    return this.model;
  }

  /**
   * Registers a hook run on every new connection, in registration order (declare the topology before the
   * consumers). If connected now, it also runs at once and its failure is thrown to the caller. A hook that
   * fails during a reconnect closes that connection and the loop tries again with backoff.
   */
  async onConnected(hook: ConnectedHook): Promise<void> {
    this.hooks.push(hook);
    if (!this.ready || !this.model) return;
    try {
      await hook(this.model);
    } catch (error) {
      this.offConnected(hook);
      throw error;
    }
  }

  offConnected(hook: ConnectedHook): void {
    const index = this.hooks.indexOf(hook);
    if (index >= 0) this.hooks.splice(index, 1);
  }

  waitUntilConnected(timeoutMs = 10_000): Promise<void> {
    if (this.ready) return Promise.resolve();
    if (this.closing) return Promise.reject(new NotConnectedError('the AMQP connection is closed'));
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => settle(resolve),
        reject: (error: Error) => settle(() => reject(error)),
      };
      const timer = setTimeout(
        () => waiter.reject(new NotConnectedError(`not connected to RabbitMQ within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const settle = (finish: () => void) => {
        clearTimeout(timer);
        this.readyWaiters.delete(waiter);
        finish();
      };
      this.readyWaiters.add(waiter);
    });
  }

  /** Graceful shutdown: stops reconnecting and closes the connection (stop consumers before calling it). */
  async close(): Promise<void> {
    this.closing = true;
    this.sleeper.wakeAll();
    for (const waiter of [...this.readyWaiters])
      waiter.reject(new NotConnectedError('the AMQP connection is closed'));
    if (this.model) await closeQuietly(this.model);
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closing) {
      const wasUp = await this.session(failures + 1);
      if (this.closing) break;
      failures = wasUp ? 0 : failures + 1;
      const delayMs = backoffDelay(Math.max(0, failures - 1), this.backoff);
      this.logger.info({ delayMs, failures }, 'reconnecting to RabbitMQ after a delay');
      await this.sleeper.sleep(delayMs);
    }
  }

  /** One connection's life: connect, run the hooks, wait for the close. True if it got ready. */
  private async session(attempt: number): Promise<boolean> {
    let model: ChannelModel | undefined;
    try {
      model = await connect(this.url(), {
        clientProperties: { connection_name: this.options.name ?? 'store-manager' },
        timeout: this.options.connectTimeoutMs ?? 10_000,
      });
      const lost = this.watch(model);
      if (this.closing) throw new NotConnectedError('closed while connecting');
      this.model = model;
      for (let i = 0; i < this.hooks.length; i += 1) await this.hooks[i]!(model); // hooks added meanwhile run too
      if (this.model !== model)
        throw new NotConnectedError('connection lost while running the connect hooks');
      this.ready = true;
      for (const waiter of [...this.readyWaiters]) waiter.resolve();
      this.logger.info({ attempt }, 'connected to RabbitMQ');
      this.events.emit('connected', { attempt });
      await lost;
      return true;
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      if (this.model === model) this.model = undefined;
      if (!this.closing) {
        this.logger.warn({ err: error, attempt }, 'could not connect to RabbitMQ');
        this.events.emit('error', { error });
        if (error instanceof SetupError) for (const waiter of [...this.readyWaiters]) waiter.reject(error);
      }
      if (model) await closeQuietly(model);
      return false;
    }
  }

  /** Listeners go on at once: an 'error' without a listener would crash the process. */
  private watch(model: ChannelModel): Promise<void> {
    model.on('error', (error: Error) => this.logger.warn({ err: error }, 'RabbitMQ connection error'));
    model.on('blocked', (reason: string) => this.logger.warn({ reason }, 'RabbitMQ blocked this connection'));
    model.on('unblocked', () => this.logger.info('RabbitMQ unblocked this connection'));
    return new Promise((resolve) => {
      model.once('close', (error?: Error) => {
        if (this.model === model) {
          this.model = undefined;
          this.ready = false;
          if (!this.closing) this.logger.warn({ err: error }, 'RabbitMQ connection lost');
          this.events.emit('disconnected', { error });
        }
        resolve();
      });
    });
  }

  private url(): string {
    try {
      const url = new URL(this.options.url);
      if (!url.searchParams.has('heartbeat'))
        url.searchParams.set('heartbeat', String(this.options.heartbeatSeconds ?? 15));
      return url.toString();
    } catch {
      return this.options.url; // let amqplib report what is wrong with it
    }
  }
}

async function closeQuietly(model: ChannelModel): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS)),
  );
  const outcome = await Promise.race([model.close().catch(() => 'failed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout')
    (model.connection as unknown as { stream?: { destroy(): void } }).stream?.destroy();
}
