import type { GetMessage } from 'amqplib';
import { DEAD_LETTER_REASON_HEADER, storeEventSchema, type StoreEvent } from '@store/contracts';
import {
  AmqpConnection,
  ConfirmPublisher,
  jsonMessageParser,
  startConsumer,
  type Consumer,
  type MessageHandler,
  type Topology,
} from '../src';
import { orderCreated, ownTopology, publishEvent } from './fixtures';
import { BrokerAdmin, connectedManager, gate, testLogger } from './helpers';

describe('startConsumer', () => {
  let admin: BrokerAdmin;
  let connection: AmqpConnection;
  let publisher: ConfirmPublisher;
  let topology: Topology;
  let consumer: Consumer<StoreEvent> | undefined;

  const consume = async (handle: MessageHandler<StoreEvent>, options: { prefetch?: number } = {}) => {
    consumer = await startConsumer(connection, {
      queue: topology.queue,
      deadLetterExchange: topology.deadLetterExchange,
      parse: jsonMessageParser(storeEventSchema),
      handle,
      logger: testLogger(),
      retry: { initialDelayMs: 10, maxDelayMs: 40 },
      ...options,
    });
    return consumer;
  };

  beforeAll(async () => {
    admin = await BrokerAdmin.open();
    connection = await connectedManager();
    publisher = new ConfirmPublisher(connection, { logger: testLogger() });
  });

  beforeEach(async () => {
    topology = await ownTopology(admin);
  });

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
  });

  afterAll(async () => {
    await publisher.close();
    await connection.close();
    await admin.close();
  });

  test('When the handler succeeds, then the message is acked after it, once', async () => {
    const steps: string[] = [];
    const event = orderCreated();
    const handled: StoreEvent[] = [];
    const running = await consume(async (message) => {
      handled.push(message);
      await Promise.resolve();
      steps.push('handled');
    });
    running.on('ack', () => steps.push('acked'));
    const acked = running.waitFor('ack', (info) => info.messageId === event.event_id);

    await publishEvent(publisher, topology, event);

    await expect(acked).resolves.toMatchObject({
      attempts: 1,
      redelivered: false,
      routingKey: 'order.created',
    });
    expect(handled).toEqual([event]);
    expect(steps).toEqual(['handled', 'acked']);
    await running.stop();
    expect(await admin.messageCount(topology.queue)).toBe(0); // an unacked one would be back
  });

  test.each([
    ['not JSON', Buffer.from('{this is not json'), /^not JSON: /],
    [
      'invalid for the schema',
      Buffer.from(JSON.stringify({ ...orderCreated(), version: 2 })),
      /^invalid message: version: /,
    ],
  ])(
    'When a message is %s, then it lands on the dead-letter queue with its reason, and the next one is handled',
    async (_kind, content, reason) => {
      const handled: string[] = [];
      const running = await consume((message) => {
        handled.push(message.event_id);
        return Promise.resolve();
      });
      const deadLettered = running.waitFor('dead-letter', (info) => info.messageId === 'poison-1');
      await publisher.publish(topology.exchange, 'order.created', content, {
        messageId: 'poison-1',
        type: 'OrderCreated',
        headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      });
      await expect(deadLettered).resolves.toMatchObject({
        reason: expect.stringMatching(reason),
        via: 'republish',
      });

      const dead = (await admin.channel.get(topology.deadLetterQueue, { noAck: true })) as GetMessage;
      expect(dead.content.equals(content)).toBe(true);
      expect(dead.properties.messageId).toBe('poison-1');
      expect(dead.properties.headers).toMatchObject({
        [DEAD_LETTER_REASON_HEADER]: expect.stringMatching(reason),
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'x-original-routing-key': 'order.created',
        'x-original-queue': topology.queue,
      });

      const next = orderCreated();
      const acked = running.waitFor('ack', (info) => info.messageId === next.event_id);
      await publishEvent(publisher, topology, next);
      await acked;
      expect(handled).toEqual([next.event_id]);
      await running.stop();
      expect(await admin.messageCount(topology.queue)).toBe(0);
    },
  );

  test('When the republish with the reason fails, then the message is still dead-lettered, by RabbitMQ (nack)', async () => {
    consumer = await startConsumer(connection, {
      queue: topology.queue,
      deadLetterExchange: topology.deadLetterExchange,
      deadLetterRoutingKey: 'nothing.bound.here', // the republish comes back unroutable
      parse: jsonMessageParser(storeEventSchema),
      handle: () => Promise.resolve(),
      logger: testLogger(),
    });
    const failure = consumer.waitFor('error', (info) => info.stage === 'dead-letter');
    const deadLettered = consumer.waitFor('dead-letter', (info) => info.messageId === 'poison-2');
    await publisher.publish(topology.exchange, 'order.created', Buffer.from('nope'), {
      messageId: 'poison-2',
    });

    await expect(failure).resolves.toMatchObject({
      error: expect.objectContaining({ reason: 'unroutable' }),
    });
    await expect(deadLettered).resolves.toMatchObject({ via: 'nack' });
    await admin.until(async () => (await admin.messageCount(topology.deadLetterQueue)) === 1);
    const dead = (await admin.channel.get(topology.deadLetterQueue, { noAck: true })) as GetMessage;
    expect(dead.properties.messageId).toBe('poison-2');
    expect(dead.properties.headers?.['x-death']?.[0]?.reason).toBe('rejected');
  });

  test('When the handler fails transiently twice, then it is retried with backoff and acked once, never dead-lettered', async () => {
    const event = orderCreated();
    let calls = 0;
    const running = await consume(() => {
      calls += 1;
      return calls <= 2 ? Promise.reject(new Error('Redis is down')) : Promise.resolve();
    });
    const seen: string[] = [];
    running.on('retry', (info) =>
      seen.push(`retry ${info.attempt} after ${info.delayMs >= 5 ? 'a delay' : 'none'}`),
    );
    running.on('ack', (info) => seen.push(`ack after ${info.attempts} attempts`));
    running.on('dead-letter', () => seen.push('dead-letter'));
    const acked = running.waitFor('ack', (info) => info.messageId === event.event_id);

    await publishEvent(publisher, topology, event);
    await acked;

    expect(seen).toEqual(['retry 1 after a delay', 'retry 2 after a delay', 'ack after 3 attempts']);
    await running.stop();
    expect(await admin.messageCount(topology.queue)).toBe(0);
    expect(await admin.messageCount(topology.deadLetterQueue)).toBe(0);
  });

  test('When more messages wait than the prefetch allows, then only prefetch of them are in flight', async () => {
    const release = gate();
    let started = 0;
    const running = await consume(
      async () => {
        started += 1;
        await release.promise;
      },
      { prefetch: 2 },
    );
    const events = Array.from({ length: 5 }, orderCreated);
    await Promise.all(events.map((event) => publishEvent(publisher, topology, event)));

    // two delivered and unacked (the broker holds back the rest); one batch at a time, so the second of them
    // may still be waiting for the first to finish
    await admin.until(async () => (await admin.messageCount(topology.queue)) === 3);
    expect(started).toBeGreaterThanOrEqual(1);
    expect(started).toBeLessThanOrEqual(2);
    const allAcked = Promise.all(
      events.map((event) => running.waitFor('ack', (i) => i.messageId === event.event_id)),
    );
    release.open();
    await allAcked;
    expect(started).toBe(5);
  });

  test('When stop() is called with a handler running, then it cancels at once but waits for that handler and its ack', async () => {
    const release = gate();
    const started = gate();
    const steps: string[] = [];
    const running = await consume(async () => {
      started.open();
      await release.promise;
      steps.push('handler finished');
    });
    running.on('ack', () => steps.push('acked'));
    await publishEvent(publisher, topology, orderCreated());
    await started.promise;

    const cancelled = running.waitFor('cancelled');
    const stopping = running.stop().then(() => steps.push('stopped'));
    await cancelled;
    await publishEvent(publisher, topology, orderCreated()); // after the cancel: it must stay in the queue
    await admin.until(async () => (await admin.messageCount(topology.queue)) === 1);
    expect(steps).toEqual([]);
    release.open();
    await stopping;

    expect(steps).toEqual(['handler finished', 'acked', 'stopped']);
    expect(running.isConsuming()).toBe(false);
    expect(await admin.messageCount(topology.queue)).toBe(1); // the first acked, the second never taken
  });
});
