import { randomUUID } from 'node:crypto';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { createLogger, type Logger } from '@store/observability';
import { eventually } from '@store/testing';
import { AmqpConnection } from '../src';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export const testLogger = (): Logger =>
  createLogger('messaging-test', { level: process.env.LOG_LEVEL ?? 'silent' });

/** Queue and exchange names owned by one test run. */
export const uniqueName = (prefix: string): string => `test.${prefix}.${randomUUID().slice(0, 12)}`;

/** A managed connection, connected, with fast reconnects so the reconnect tests stay short. */
export async function connectedManager(name = 'messaging-test'): Promise<AmqpConnection> {
  const connection = new AmqpConnection({
    url: AMQP_URL,
    logger: testLogger(),
    name,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  });
  connection.start();
  await connection.waitUntilConnected(10_000);
  return connection;
}

/** Kills the socket under a manager, as a network failure would (an error, so amqplib notices at once). */
export function destroySocket(connection: AmqpConnection): void {
  const model = connection.channelModel;
  if (!model) throw new Error('not connected');
  (model.connection as unknown as { stream: { destroy(error: Error): void } }).stream.destroy(
    new Error('simulated network failure'),
  );
}

/** A plain amqplib connection the tests use to look at the broker and to clean up what they declared. */
export class BrokerAdmin {
  private readonly queues = new Set<string>();
  private readonly exchanges = new Set<string>();

  private constructor(
    private readonly model: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(): Promise<BrokerAdmin> {
    const model = await connect(AMQP_URL);
    const channel = await model.createChannel();
    return new BrokerAdmin(model, channel);
  }

  /** Registers names for deletion in close(). */
  own(names: { queues?: string[]; exchanges?: string[] }): void {
    names.queues?.forEach((queue) => this.queues.add(queue));
    names.exchanges?.forEach((exchange) => this.exchanges.add(exchange));
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  async consumerCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).consumerCount;
  }

  /** Polls the broker (an external store) until `check` holds; bounded. */
  async until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
    await eventually('the broker state', async () => ((await check()) ? true : undefined), {
      timeoutMs,
      intervalMs: 25,
    });
  }

  async close(): Promise<void> {
    for (const queue of this.queues) await this.channel.deleteQueue(queue);
    for (const exchange of this.exchanges) await this.channel.deleteExchange(exchange);
    await this.model.close();
  }
}

/** A promise with its resolve exposed: handlers in the tests wait on it to hold a message in flight. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}
