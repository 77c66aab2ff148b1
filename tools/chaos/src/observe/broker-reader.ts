import { connect, type Channel, type ChannelModel } from 'amqplib';
import { AMQP_URL } from '../settings';

/* The chaos stack's RabbitMQ node: queue depths (one connection kept, dropped when the node goes) and publishing. */
export class BrokerReader {
  private broker: { model: ChannelModel; channel: Channel } | undefined;

  async close(): Promise<void> {
    await this.broker?.model.close().catch(() => undefined);
  }

  /** Messages ready in `queue`, or undefined when the broker (or the queue) is not there. */
  async queueDepth(queue: string): Promise<number | undefined> {
    try {
      const channel = await this.channel();
      return (await channel.checkQueue(queue)).messageCount;
    } catch {
      await this.dropBroker();
      return undefined;
    }
  }

  /** Publishes raw bodies to the stack's exchange with confirms (duplicates and poison for a drill). */
  async publish(
    exchange: string,
    messages: { routingKey: string; body: Buffer; messageId?: string }[],
  ): Promise<void> {
    const model = await connect(AMQP_URL);
    try {
      const channel = await model.createConfirmChannel();
      for (const message of messages) {
        channel.publish(exchange, message.routingKey, message.body, {
          persistent: true,
          contentType: 'application/json',
          ...(message.messageId ? { messageId: message.messageId } : {}),
        });
      }
      await channel.waitForConfirms();
    } finally {
      await model.close().catch(() => undefined);
    }
  }

  private async channel(): Promise<Channel> {
    if (!this.broker) {
      const model = await connect(AMQP_URL);
      model.on('error', () => undefined);
      model.on('close', () => (this.broker = undefined));
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      channel.on('close', () => (this.broker = undefined));
      this.broker = { model, channel };
    }
    return this.broker.channel;
  }

  private async dropBroker(): Promise<void> {
    const broker = this.broker;
    this.broker = undefined;
    await broker?.model.close().catch(() => undefined);
  }
}
