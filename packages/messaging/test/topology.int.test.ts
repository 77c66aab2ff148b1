import type { Channel } from 'amqplib';
import { DEAD_LETTER_REASON_HEADER, ROUTING_KEYS } from '@store/contracts';
import { AmqpConnection, declareTopology, topologyHook, type Topology } from '../src';
import { BrokerAdmin, connectedManager, destroySocket, uniqueName } from './helpers';

describe('declareTopology', () => {
  let admin: BrokerAdmin;
  let connection: AmqpConnection;
  let channel: Channel;
  let topology: Topology;
  const names = {
    exchange: uniqueName('events'),
    deadLetterExchange: uniqueName('events.dlx'),
    projectorQueue: uniqueName('projector'),
    deadLetterQueue: uniqueName('projector.dead-letter'),
  };

  beforeAll(async () => {
    admin = await BrokerAdmin.open();
    admin.own({
      queues: [names.projectorQueue, names.deadLetterQueue],
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
    expect(topology).toEqual({ ...names, deadLetterRoutingKey: names.projectorQueue });
  });

  test('When events are published with each routing key, then the projector queue receives them', async () => {
    for (const routingKey of Object.values(ROUTING_KEYS)) {
      channel.publish(names.exchange, routingKey, Buffer.from('{}'), { messageId: routingKey });
    }
    await admin.until(async () => (await admin.messageCount(names.projectorQueue)) === 2);
    const received = [
      await admin.channel.get(names.projectorQueue),
      await admin.channel.get(names.projectorQueue),
    ];
    expect(received.map((message) => message && message.fields.routingKey).sort()).toEqual([
      'order.created',
      'order.deleted',
    ]);
    admin.channel.ackAll();
  });

  test("When RabbitMQ dead-letters a message (nack without requeue), then it lands on this queue's dead-letter queue", async () => {
    channel.publish(names.exchange, ROUTING_KEYS.OrderCreated, Buffer.from('{}'), { messageId: 'dl-1' });
    await admin.until(async () => (await admin.messageCount(names.projectorQueue)) === 1);
    const message = await admin.channel.get(names.projectorQueue);
    admin.channel.nack(message as Exclude<typeof message, false>, false, false);

    await admin.until(async () => (await admin.messageCount(names.deadLetterQueue)) === 1);
    const dead = await admin.channel.get(names.deadLetterQueue, { noAck: true });
    expect(dead && dead.properties.messageId).toBe('dl-1');
    expect(dead && dead.fields.routingKey).toBe(names.projectorQueue);
    expect(dead && dead.properties.headers?.['x-death']?.[0]?.queue).toBe(names.projectorQueue);
    expect(dead && dead.properties.headers?.[DEAD_LETTER_REASON_HEADER]).toBeUndefined(); // the broker cannot add it
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
