import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import type { StoreEvent } from '@store/contracts';
import { eventually } from '@store/testing';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** The test's own broker connection: publishes straight to the test queue (never to the shared exchange). */
export class TestBroker {
  private constructor(
    private readonly model: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(): Promise<TestBroker> {
    const model = await connect(AMQP_URL);
    return new TestBroker(model, await model.createChannel());
  }

  publish(queue: string, event: StoreEvent): void {
    this.publishRaw(queue, JSON.stringify(event), event.event_id);
  }

  publishRaw(queue: string, body: string, messageId: string): void {
    this.channel.sendToQueue(queue, Buffer.from(body), {
      persistent: true,
      messageId,
      contentType: 'application/json',
    });
  }

  /** Polls the dead-letter queue (an external store) for one message; bounded. */
  getOne(queue: string, timeoutMs = 5_000): Promise<GetMessage> {
    return eventually(
      `a message in ${queue}`,
      async () => (await this.channel.get(queue, { noAck: true })) || undefined,
      { timeoutMs, intervalMs: 25 },
    );
  }

  async close(ownedQueues: string[]): Promise<void> {
    for (const queue of ownedQueues) await this.channel.deleteQueue(queue);
    await this.model.close();
  }
}

/** A TCP proxy in front of Redis that a test can cut and restore: "Redis down" without touching the shared server. */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = tcpConnect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
