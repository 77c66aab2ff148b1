import type { Channel } from 'amqplib';
import { DEAD_LETTER_REASON_HEADER, PROJECTOR_QUEUE_SETTINGS, ROUTING_KEYS } from '@store/contracts';
import {
  AmqpConnection,
  DEFAULT_DELIVERY_LIMIT,
  QueueMismatchError,
  declareTopology,
  quorumQueueArguments,
  topologyHook,
  type Topology,
} from '../src';
import { AMQP_URL, BrokerAdmin, connectedManager, destroySocket, testLogger, uniqueName } from './helpers';

describe('declareTopology', () => {
  let admin: BrokerAdmin;
  let connection: AmqpConnection;
  let channel: Channel;
  let topology: Topology;
  const names = {
    exchange: uniqueName('events'),
    deadLetterExchange: uniqueName('events.dlx'),
    queue: uniqueName('projector'),
    deadLetterQueue: uniqueName('projector.dead-letter'),
  };

  beforeAll(async () => {
    admin = await BrokerAdmin.open();
    admin.own({
      queues: [names.queue, names.deadLetterQueue],
      exchanges: [names.exchange, names.deadLetterExchange],
    });
    connection = await connectedManager();
    await connection.onConnected(topologyHook(names)); // the consumer side, as a reconnect hook
    channel = await connection.channelModel!.createChannel();
    topology = await declareTopology(channel, names); // the publisher side, on another channel
  });

  afterAll(async () => {
    await channel.close();
    await connection.close();
    await admin.close();
  });

  test('When both sides declare it, then the second declaration is accepted (identical arguments)', () => {
    expect(topology).toEqual({
      ...names,
      deadLetterRoutingKey: names.queue,
      deliveryLimit: DEFAULT_DELIVERY_LIMIT,
    });
  });

  test('When the projector queue is declared, then it is a quorum queue with the delivery limit (RabbitMQ refuses anything else)', async () => {
    // The broker compares a declaration with the queue it has: these two are refused for what they change.
    const declareAgain = async (arguments_: Record<string, unknown>) => {
      const probe = await connection.channelModel!.createChannel();
      probe.on('error', () => undefined);
      try {
        await probe.assertQueue(names.queue, { durable: true, arguments: arguments_ });
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };

    const declared = quorumQueueArguments(topology);
    const same = await declareAgain(declared);
    const asClassic = await declareAgain({ ...declared, 'x-queue-type': 'classic' });
    const withOtherLimit = await declareAgain({ ...declared, 'x-delivery-limit': 1 });

    expect(same).toBe('accepted');
    expect(asClassic).toMatch(/inequivalent arg 'x-queue-type'.*current is 'quorum'/);
    expect(withOtherLimit).toMatch(
      new RegExp(`inequivalent arg 'x-delivery-limit'.*current is '${DEFAULT_DELIVERY_LIMIT}'`),
    );
  });

  test('When events are published with each routing key, then the projector queue receives them', async () => {
    for (const routingKey of Object.values(ROUTING_KEYS)) {
      channel.publish(names.exchange, routingKey, Buffer.from('{}'), { messageId: routingKey });
    }
    await admin.until(async () => (await admin.messageCount(names.queue)) === 2);
    const received = [await admin.channel.get(names.queue), await admin.channel.get(names.queue)];
    expect(received.map((message) => message && message.fields.routingKey).sort()).toEqual([
      'order.created',
      'order.deleted',
    ]);
    admin.channel.ackAll();
  });

  test("When RabbitMQ dead-letters a message (nack without requeue), then it lands on this queue's dead-letter queue", async () => {
    channel.publish(names.exchange, ROUTING_KEYS.OrderCreated, Buffer.from('{}'), { messageId: 'dl-1' });
    await admin.until(async () => (await admin.messageCount(names.queue)) === 1);
    const message = await admin.channel.get(names.queue);
    admin.channel.nack(message as Exclude<typeof message, false>, false, false);

    await admin.until(async () => (await admin.messageCount(names.deadLetterQueue)) === 1);
    const dead = await admin.channel.get(names.deadLetterQueue, { noAck: true });
    expect(dead && dead.properties.messageId).toBe('dl-1');
    expect(dead && dead.fields.routingKey).toBe(names.queue);
    expect(dead && dead.properties.headers?.['x-death']?.[0]?.queue).toBe(names.queue);
    expect(dead && dead.properties.headers?.[DEAD_LETTER_REASON_HEADER]).toBeUndefined(); // the broker cannot add it
  });

  test('When the projector queue already exists as a classic queue, then the declaration fails saying what to do, and a starting service fails at once with it', async () => {
    const classic = uniqueName('projector.classic');
    admin.own({ queues: [classic] });
    await admin.channel.assertQueue(classic, {
      durable: true, // as declareTopology declared it before quorum queues
      arguments: { 'x-dead-letter-exchange': names.deadLetterExchange, 'x-dead-letter-routing-key': classic },
    });
    const probe = await connection.channelModel!.createChannel();
    probe.on('error', () => undefined);

    const declared = declareTopology(probe, {
      ...names,
      queue: classic,
      settingNames: PROJECTOR_QUEUE_SETTINGS,
    });

    await expect(declared).rejects.toThrow(QueueMismatchError);
    await expect(declared).rejects.toThrow(
      new RegExp(`queue '${classic.replace(/\./g, '\\.')}' exists as a classic queue.*PROJECTOR_QUEUE`),
    );
    // A service's start waits for its topology hook: it gets the reason, not a timeout.
    const starting = new AmqpConnection({ url: AMQP_URL, logger: testLogger(), name: 'mismatch-test' });
    await starting.onConnected(
      topologyHook({ ...names, queue: classic, settingNames: PROJECTOR_QUEUE_SETTINGS }),
    );
    starting.start();
    try {
      await expect(starting.waitUntilConnected(20_000)).rejects.toThrow(QueueMismatchError);
    } finally {
      await starting.close();
    }
  });

  test('When a service declares the queue with another delivery limit, then it fails naming PROJECTOR_DELIVERY_LIMIT', async () => {
    const probe = await connection.channelModel!.createChannel();
    probe.on('error', () => undefined);

    const declared = declareTopology(probe, {
      ...names,
      deliveryLimit: DEFAULT_DELIVERY_LIMIT + 1,
      settingNames: PROJECTOR_QUEUE_SETTINGS,
    });

    await expect(declared).rejects.toThrow(QueueMismatchError);
    await expect(declared).rejects.toThrow(/another delivery limit.*same PROJECTOR_DELIVERY_LIMIT/);
  });

  test('When the connection is re-established, then the topology hook declares it again and the manager is ready', async () => {
    const reconnected = connection.waitFor('connected');
    destroySocket(connection);
    await reconnected;
    expect(connection.isConnected()).toBe(true); // true only once every hook succeeded
    channel = await connection.channelModel!.createChannel();
    await expect(declareTopology(channel, names)).resolves.toEqual(topology);
  });
});
