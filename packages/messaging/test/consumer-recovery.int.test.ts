import type { Message } from 'amqplib';
import { type StoreEvent } from '@store/contracts';
import { AmqpConnection, NotConnectedError, type MessageHandler } from '../src';
import { orderCreated, ownTopology, publishEvent } from './fixtures';
import { AMQP_URL, destroySocket, gate, testLogger } from './helpers';
import { useConsumerBed } from './consumer-bed';

describe('consumer recovery', () => {
  const bed = useConsumerBed('messaging-test-recovery');
  const consume = (handle: MessageHandler<StoreEvent>) => bed.consume({ handle });

  test("When the consumer's channel dies before the ack, then the broker redelivers and the message is handled again", async () => {
    const event = orderCreated();
    const firstCall = gate();
    const neverReleased = gate();
    const calls: boolean[] = [];
    const running = await consume(async (_message, raw) => {
      calls.push(raw.fields.redelivered);
      if (!raw.fields.redelivered) {
        firstCall.open();
        await neverReleased.promise; // crashes before finishing, as far as the broker can tell
      }
    });
    const redeliveredAck = running.waitFor(
      'ack',
      (info) => info.messageId === event.event_id && info.redelivered,
    );
    await publishEvent(bed.publisher, bed.topology, event);
    await firstCall.promise;

    // An ack of an unknown delivery tag makes RabbitMQ close the channel (406 PRECONDITION_FAILED).
    running.channel!.ack({ fields: { deliveryTag: 999_999 } } as Message);

    await redeliveredAck;
    expect(calls).toEqual([false, true]);
    neverReleased.open(); // the first attempt ends now: its channel is gone, so it must not ack anything
    await running.stop();
    expect(await bed.admin.messageCount(bed.topology.queue)).toBe(0);
  });

  test('When the connection is lost, then the manager reconnects and the consumer handles new and unacked messages', async () => {
    const inFlight = orderCreated();
    const started = gate();
    const hold = gate();
    const handled: Array<[string, boolean]> = [];
    const running = await consume(async (message, raw) => {
      handled.push([message.event_id, raw.fields.redelivered]);
      if (message.event_id === inFlight.event_id && !raw.fields.redelivered) {
        started.open();
        await hold.promise; // held while the connection dies
      }
    });
    await publishEvent(bed.publisher, bed.topology, inFlight);
    await started.promise;

    const disconnected = bed.consuming.waitFor('disconnected');
    const reconnected = bed.consuming.waitFor('connected');
    const redelivered = running.waitFor('ack', (info) => info.messageId === inFlight.event_id);
    destroySocket(bed.consuming);
    await disconnected;
    expect(bed.consuming.isConnected()).toBe(false);
    await reconnected;
    expect(bed.consuming.isConnected()).toBe(true);
    await expect(redelivered).resolves.toMatchObject({ redelivered: true });
    hold.open(); // the first attempt finishes on its dead channel: no ack, no error

    const after = orderCreated();
    const acked = running.waitFor('ack', (info) => info.messageId === after.event_id);
    await publishEvent(bed.publisher, bed.topology, after);
    await acked;
    expect(handled).toEqual([
      [inFlight.event_id, false],
      [inFlight.event_id, true],
      [after.event_id, false],
    ]);
  });

  test('When a message kills its consumer more often than the delivery limit, then the queue dead-letters it and the next message goes through', async () => {
    // Arrange: a queue that delivers a message at most 3 times (limit 2), and a message that "crashes" the
    // consumer every time: its handler never returns and the consumer's channel dies under it.
    bed.topology = await ownTopology(bed.admin, { deliveryLimit: 2 });
    const killer = orderCreated();
    const hold = gate();
    const deliveries: Array<number | undefined> = [];
    let delivered = gate();
    const running = await consume(async (message, raw) => {
      if (message.event_id !== killer.event_id) return;
      deliveries.push(raw.properties.headers?.['x-delivery-count'] as number | undefined);
      delivered.open();
      await hold.promise;
    });
    await publishEvent(bed.publisher, bed.topology, killer);

    // Act: three deliveries, three deaths (an ack of an unknown tag makes RabbitMQ close the channel)
    for (let death = 0; death < 3; death++) {
      await delivered.promise; // on the channel consuming now
      delivered = gate();
      running.channel!.ack({ fields: { deliveryTag: 999_999 } } as Message);
    }

    // Assert: the broker dead-lettered it to this queue's dead-letter queue, saying why
    await bed.admin.until(async () => (await bed.admin.messageCount(bed.topology.deadLetterQueue)) === 1);
    const dead = await bed.admin.channel.get(bed.topology.deadLetterQueue, { noAck: true });
    expect(dead && dead.properties.messageId).toBe(killer.event_id);
    expect(dead && dead.properties.headers?.['x-death']?.[0]).toMatchObject({
      reason: 'delivery_limit',
      queue: bed.topology.queue,
    });
    expect(deliveries).toEqual([undefined, 1, 2]); // the quorum queue counts the returns
    const next = orderCreated();
    const acked = running.waitFor('ack', (info) => info.messageId === next.event_id);
    await publishEvent(bed.publisher, bed.topology, next);
    await acked;
    expect(await bed.admin.messageCount(bed.topology.queue)).toBe(0);
    hold.open(); // the three dead attempts end on their closed channels: no ack, no error
  });
});

describe('AmqpConnection without a broker', () => {
  test('When the broker cannot be reached, then waitUntilConnected rejects, failures are reported, and close() stops retrying', async () => {
    const connection = new AmqpConnection({
      url: AMQP_URL.replace(/:\d+$/, ':1'),
      logger: testLogger(),
      reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    });
    const failure = connection.waitFor('error');
    connection.start();
    await expect(connection.waitUntilConnected(300)).rejects.toBeInstanceOf(NotConnectedError);
    await expect(failure).resolves.toMatchObject({ error: expect.any(Error) });
    expect(connection.isConnected()).toBe(false);
    await connection.close();
    await expect(connection.waitUntilConnected(100)).rejects.toBeInstanceOf(NotConnectedError);
  });
});
