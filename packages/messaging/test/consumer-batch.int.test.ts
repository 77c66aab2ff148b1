import type { GetMessage, Message } from 'amqplib';
import { DEAD_LETTER_REASON_HEADER, type StoreEvent } from '@store/contracts';
import type { BatchHandler, BatchItem, ConsumerEvents } from '../src';
import { orderCreated, publishEvent } from './fixtures';
import { gate } from './helpers';
import { useConsumerBed } from './consumer-bed';

/*
 * Batches: deliveries that arrive while a batch runs wait for it and form the next one. Each test holds a first
 * "opener" batch on a gate, publishes what it needs, waits until the broker has delivered all of it (ready
 * count 0: delivered but unacked messages are not counted), then releases the gate: the next batch is exactly
 * those messages, whatever the timing of the socket reads.
 */
describe('consumer batches', () => {
  const bed = useConsumerBed('messaging-test-batch');
  let batchAcks: ConsumerEvents['batch-ack'][];

  const consume = async (handleBatch: BatchHandler<StoreEvent>) => {
    const consumer = await bed.consume({ handleBatch });
    batchAcks = [];
    consumer.on('batch-ack', (info) => batchAcks.push(info));
    return consumer;
  };

  /** A handler whose first call (the opener) waits for `release`; later calls go to `next`. */
  const heldOpener = (next: BatchHandler<StoreEvent>) => {
    const started = gate();
    const release = gate();
    let calls = 0;
    const handler: BatchHandler<StoreEvent> = async (items) => {
      calls += 1;
      if (calls > 1) return next(items);
      started.open();
      await release.promise;
    };
    return { handler, started: started.promise, release: () => release.open() };
  };

  /** Publishes the opener, waits for it to be held, then publishes `then` and waits until all is delivered. */
  const publishBehindOpener = async (started: Promise<void>, then: () => Promise<unknown>) => {
    await publishEvent(bed.publisher, bed.topology, orderCreated());
    await started;
    await then();
    await bed.admin.until(async () => (await bed.admin.messageCount(bed.topology.queue)) === 0);
  };

  const ids = (items: BatchItem<StoreEvent>[]) => items.map((item) => item.message.event_id);

  test('When ten messages are ready together, then they are handled in one call, in order, and acked with one multiple ack', async () => {
    const events = Array.from({ length: 10 }, orderCreated);
    const batches: string[][] = [];
    const opener = heldOpener((items) => {
      batches.push(ids(items));
      return Promise.resolve();
    });
    const running = await consume(opener.handler);
    const acked = running.waitFor('batch-ack', (info) => info.messages === 10);

    await publishBehindOpener(opener.started, () =>
      Promise.all(events.map((event) => publishEvent(bed.publisher, bed.topology, event))),
    );
    opener.release();
    await acked;

    expect(batches).toEqual([events.map((event) => event.event_id)]);
    expect(batchAcks.map(({ messages, multiple }) => ({ messages, multiple }))).toEqual([
      { messages: 1, multiple: false },
      { messages: 10, multiple: true },
    ]);
    await running.stop();
    expect(await bed.admin.messageCount(bed.topology.queue)).toBe(0); // an unacked one would be back
  });

  test('When a poison message sits between good ones, then it goes to the dead-letter queue with its reason and the good ones are handled and acked', async () => {
    const [before, after] = [orderCreated(), orderCreated()];
    const batches: string[][] = [];
    const opener = heldOpener((items) => {
      batches.push(ids(items));
      return Promise.resolve();
    });
    const running = await consume(opener.handler);
    const deadLettered = running.waitFor('dead-letter', (info) => info.messageId === 'poison-batch');
    const acked = running.waitFor('batch-ack', (info) => info.messages === 2);

    await publishBehindOpener(opener.started, async () => {
      await publishEvent(bed.publisher, bed.topology, before);
      await bed.publisher.publish(bed.topology.exchange, 'order.created', Buffer.from('{oops'), {
        messageId: 'poison-batch',
      });
      await publishEvent(bed.publisher, bed.topology, after);
    });
    opener.release();
    await Promise.all([deadLettered, acked]);

    expect(batches).toEqual([[before.event_id, after.event_id]]);
    await running.stop();
    expect(await bed.admin.messageCount(bed.topology.queue)).toBe(0);
    expect(await bed.admin.messageCount(bed.topology.deadLetterQueue)).toBe(1);
    const dead = (await bed.admin.channel.get(bed.topology.deadLetterQueue, { noAck: true })) as GetMessage;
    expect(dead.properties.messageId).toBe('poison-batch');
    expect(dead.properties.headers?.[DEAD_LETTER_REASON_HEADER]).toMatch(/^not JSON: /);
  });

  test('When a batch keeps failing, then it is retried whole and nothing of it is acked; a later consumer handles it', async () => {
    const events = Array.from({ length: 4 }, orderCreated);
    const attempts: string[][] = [];
    const opener = heldOpener((items) => {
      attempts.push(ids(items));
      return Promise.reject(new Error('Redis is down'));
    });
    const running = await consume(opener.handler);
    const acks: string[] = [];
    running.on('ack', (info) => acks.push(info.messageId ?? ''));
    const thirdAttempt = running.waitFor('retry', (info) => info.attempt === 2);

    await publishBehindOpener(opener.started, () =>
      Promise.all(events.map((event) => publishEvent(bed.publisher, bed.topology, event))),
    );
    opener.release();
    await thirdAttempt;
    await running.stop(); // gives the retry up: the batch stays unacked and goes back to the queue

    const expected = events.map((event) => event.event_id);
    expect(attempts.slice(0, 2)).toEqual([expected, expected]);
    expect(acks).toHaveLength(1); // the opener only
    // back in the queue (a quorum queue counts returned messages as ready a moment after the channel closed)
    await bed.admin.until(async () => (await bed.admin.messageCount(bed.topology.queue)) === 4);

    const redelivered: boolean[] = [];
    const later = await consume((items) => {
      redelivered.push(...items.map((item) => item.raw.fields.redelivered));
      return Promise.resolve();
    });
    await Promise.all(expected.map((id) => later.waitFor('ack', (info) => info.messageId === id)));
    expect(redelivered).toEqual([true, true, true, true]);
  });

  test('When the channel dies in the middle of a batch, then the batch is redelivered and an idempotent handler applies nothing twice', async () => {
    const events = Array.from({ length: 5 }, orderCreated);
    const applied = new Map<string, number>();
    const crashed = gate();
    const neverReleased = gate();
    let duplicates = 0;
    const opener = heldOpener(async (items) => {
      for (const { message } of items) {
        if (applied.has(message.event_id)) duplicates += 1;
        else applied.set(message.event_id, 1);
      }
      if (!items[0]!.raw.fields.redelivered) {
        crashed.open();
        await neverReleased.promise; // applied, then dead before the ack
      }
    });
    const running = await consume(opener.handler);
    const expected = events.map((event) => event.event_id);
    const redeliveredAcks = Promise.all(
      expected.map((id) => running.waitFor('ack', (info) => info.messageId === id && info.redelivered)),
    );

    await publishBehindOpener(opener.started, () =>
      Promise.all(events.map((event) => publishEvent(bed.publisher, bed.topology, event))),
    );
    opener.release();
    await crashed.promise;
    // An ack of an unknown delivery tag makes RabbitMQ close the channel (406 PRECONDITION_FAILED).
    running.channel!.ack({ fields: { deliveryTag: 999_999 } } as Message);
    await redeliveredAcks;
    neverReleased.open(); // the first attempt ends on its dead channel: it must not ack anything

    expect([...applied.keys()].sort()).toEqual([...expected].sort());
    expect([...applied.values()].every((times) => times === 1)).toBe(true);
    expect(duplicates).toBe(5);
    await running.stop();
    expect(await bed.admin.messageCount(bed.topology.queue)).toBe(0);
  });
});
