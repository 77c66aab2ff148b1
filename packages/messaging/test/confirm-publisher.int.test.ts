import { AmqpConnection, ConfirmPublisher, PublishBatchError, PublishError } from '../src';
import { BrokerAdmin, connectedManager, destroySocket, testLogger, uniqueName } from './helpers';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/**
 * Stops amqplib reading from the socket (it reads on 'readable', so pause() is not enough): the broker's acks
 * wait unread, as on a stalled network. Returns the function that lets amqplib read again.
 */
function stallReads(connection: AmqpConnection): () => void {
  const stream = (connection.channelModel!.connection as unknown as { stream: NodeJS.ReadableStream }).stream;
  const readers = stream.listeners('readable') as Array<() => void>;
  stream.removeAllListeners('readable');
  return () => {
    for (const reader of readers) stream.on('readable', reader);
    for (const reader of readers) reader();
  };
}

const rejectionOf = async (promise: Promise<unknown>): Promise<PublishError> => {
  try {
    await promise;
  } catch (error) {
    return error as PublishError;
  }
  throw new Error('expected the publish to be rejected');
};

describe('ConfirmPublisher', () => {
  const exchange = uniqueName('publisher');
  const queue = uniqueName('publisher.bound');
  const fullQueue = uniqueName('publisher.full');
  let admin: BrokerAdmin;
  let connection: AmqpConnection;
  let publisher: ConfirmPublisher;

  beforeAll(async () => {
    admin = await BrokerAdmin.open();
    admin.own({ queues: [queue, fullQueue], exchanges: [exchange] });
    await admin.channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
    await admin.channel.assertQueue(queue, { durable: false });
    await admin.channel.bindQueue(queue, exchange, 'order.created');
    await admin.channel.assertQueue(fullQueue, {
      durable: false,
      arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' },
    });
    await admin.channel.bindQueue(fullQueue, exchange, 'full');
    connection = await connectedManager();
    publisher = new ConfirmPublisher(connection, { logger: testLogger(), confirmTimeoutMs: 2_000 });
  });

  afterAll(async () => {
    await publisher.close();
    await connection.close();
    await admin.close();
  });

  test('When a message is confirmed, then it is on the bound queue, persistent, with its properties', async () => {
    const confirmed = publisher.waitFor('publish-confirmed', (info) => info.messageId === 'ok-1');
    await publisher.publish(exchange, 'order.created', json({ n: 1 }), {
      messageId: 'ok-1',
      type: 'OrderCreated',
      headers: { traceparent: '00-abc-def-01' },
    });
    await expect(confirmed).resolves.toMatchObject({ exchange, routingKey: 'order.created' });

    const message = await admin.channel.get(queue, { noAck: true });
    expect(message && JSON.parse(message.content.toString())).toEqual({ n: 1 });
    expect(message && message.properties).toMatchObject({
      messageId: 'ok-1',
      type: 'OrderCreated',
      contentType: 'application/json',
      deliveryMode: 2,
      headers: { traceparent: '00-abc-def-01' },
    });
  });

  test('When no queue is bound for the routing key, then the publish rejects as unroutable', async () => {
    const failed = publisher.waitFor('publish-failed', (info) => info.messageId === 'lost-1');
    const error = await rejectionOf(
      publisher.publish(exchange, 'nobody.listens', json({}), { messageId: 'lost-1' }),
    );
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ reason: 'unroutable', messageId: 'lost-1' });
    await expect(failed).resolves.toMatchObject({ reason: 'unroutable' });
  });

  test('When the broker refuses the message (full queue, reject-publish), then the publish rejects as nacked', async () => {
    await publisher.publish(exchange, 'full', json({}), { messageId: 'fills-it' });
    const error = await rejectionOf(publisher.publish(exchange, 'full', json({}), { messageId: 'overflow' }));
    expect(error).toMatchObject({ reason: 'nack', messageId: 'overflow' });
  });

  test('When no confirm arrives within confirmTimeoutMs, then the publish rejects with timeout, and later ones work', async () => {
    const impatient = new ConfirmPublisher(connection, { logger: testLogger(), confirmTimeoutMs: 200 });
    await impatient.publish(exchange, 'order.created', json({}), { messageId: 'opens-channel' });
    const readAgain = stallReads(connection);
    try {
      const error = await rejectionOf(
        impatient.publish(exchange, 'order.created', json({}), { messageId: 'slow' }),
      );
      expect(error).toMatchObject({ reason: 'timeout', messageId: 'slow' });
    } finally {
      readAgain(); // the late ack arrives now and is ignored
    }
    await expect(
      impatient.publish(exchange, 'order.created', json({}), { messageId: 'after-timeout' }),
    ).resolves.toBeUndefined();
    await impatient.close();
    await admin.channel.purgeQueue(queue);
  });

  test('When the connection dies with confirms pending, then they all reject, and publishing works after the reconnect', async () => {
    await publisher.publish(exchange, 'order.created', json({}), { messageId: 'before-loss' });
    stallReads(connection); // no ack can be read: every publish below stays pending
    const publishes = Array.from({ length: 20 }, (_, i) =>
      rejectionOf(publisher.publish(exchange, 'order.created', json({ i }), { messageId: `inflight-${i}` })),
    );
    await new Promise((resolve) => setImmediate(resolve)); // let the publishes reach the channel
    expect(publisher.pendingConfirms).toBe(20);
    const reconnected = connection.waitFor('connected');
    destroySocket(connection);

    const errors = await Promise.all(publishes);
    expect(new Set(errors.map((error) => error.reason))).toEqual(new Set(['channel-closed']));
    await reconnected;
    await expect(
      publisher.publish(exchange, 'order.created', json({}), { messageId: 'after-reconnect' }),
    ).resolves.toBeUndefined();
    await admin.channel.purgeQueue(queue);
  });

  test('When a batch has an unroutable message, then it rejects naming the confirmed and the failed ones', async () => {
    const batch = ['b-1', 'b-2', 'b-3'].map((messageId) => ({
      exchange,
      routingKey: messageId === 'b-2' ? 'nobody.listens' : 'order.created',
      content: json({ messageId }),
      messageId,
    }));
    const error = (await publisher
      .publishBatch(batch)
      .catch((caught: unknown) => caught)) as PublishBatchError;
    expect(error).toBeInstanceOf(PublishBatchError);
    expect(error.confirmed).toEqual(['b-1', 'b-3']);
    expect(error.failed.map((failure) => [failure.messageId, failure.reason])).toEqual([
      ['b-2', 'unroutable'],
    ]);
    await expect(publisher.publishBatch(batch.filter((m) => m.messageId !== 'b-2'))).resolves.toBeUndefined();
    await admin.channel.purgeQueue(queue);
  });

  test('When the connection is closed for good, then publish rejects at once as not-connected', async () => {
    const closedConnection = await connectedManager();
    const orphan = new ConfirmPublisher(closedConnection, { logger: testLogger() });
    await closedConnection.close();
    await expect(
      orphan.publish(exchange, 'order.created', json({}), { messageId: 'x' }),
    ).rejects.toMatchObject({
      reason: 'not-connected',
    });
  });
});
