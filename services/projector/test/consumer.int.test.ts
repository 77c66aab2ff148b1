import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_REASON_HEADER } from '@store/contracts';
import { httpClient } from '@store/testing';
import { line, makeEvent, randomId, scores } from './helpers';
import { useRunningProjector } from './running-projector';

jest.setTimeout(30_000);

describe('projector consuming order events (real RabbitMQ and Redis)', () => {
  const t = useRunningProjector();
  const { config, queue } = t;

  const acked = (eventId: string) =>
    t.projector.consumer.waitFor('ack', (info) => info.messageId === eventId, 15_000);
  const liveKeys = async () =>
    t.projector.stores.projection.keys((await t.projector.stores.projection.readVersions()).live);

  test('When events are published, then each is acked after Redis holds it, and a redelivered one counts once', async () => {
    const product = randomId();
    const first = makeEvent('OrderCreated', [line(product, 2, 1_500)]);
    const second = makeEvent('OrderCreated', [line(product, 1, 1_500)], { user_id: first.data.user_id });
    const waits = [acked(first.event_id), acked(second.event_id)];

    t.broker.publish(queue, first);
    t.broker.publish(queue, second);
    await Promise.all(waits);
    const again = acked(first.event_id);
    t.broker.publish(queue, first);
    await again;

    const keys = await liveKeys();
    expect(await scores(t.projector.stores.redis, keys.spenders, [first.data.user_id])).toEqual([4_500]);
    expect(await scores(t.projector.stores.redis, keys.bestSellers, [product])).toEqual([3]);
  });

  test('When a deletion is delivered before its creation, then both are applied and the user and product end at zero', async () => {
    const created = makeEvent('OrderCreated', [line(randomId(), 3, 999)]);
    const deleted = { ...created, event_id: randomUUID(), type: 'OrderDeleted' as const };
    const product = String(created.data.items[0]!.product_id);
    const user = String(created.data.user_id);
    const { redis } = t.projector.stores;
    const keys = await liveKeys();
    const appliedEvents = async () => Number(await redis.hget(keys.meta, 'applied_events'));
    const before = await appliedEvents();

    const deletionAcked = acked(deleted.event_id);
    t.broker.publish(queue, deleted);
    await deletionAcked;
    // A missing member would also read as 0 below: so the deletion must first show, negative, on its own.
    expect([await redis.zscore(keys.spenders, user), await redis.zscore(keys.bestSellers, product)]).toEqual([
      '-2997',
      '-3',
    ]);
    const creationAcked = acked(created.event_id);
    t.broker.publish(queue, created);
    await creationAcked;

    expect(await appliedEvents()).toBe(before + 2);
    // Back at exactly 0, a member leaves the sorted set (as when the events came in order).
    expect([await redis.zscore(keys.spenders, user), await redis.zscore(keys.bestSellers, product)]).toEqual([
      null,
      null,
    ]);
  });

  test('When a message is poison, then it lands in the dead-letter queue with its reason and consumption goes on', async () => {
    const notJson = `poison-${randomUUID()}`;
    const invalid = `invalid-${randomUUID()}`;
    const deadLetters = [
      t.projector.consumer.waitFor('dead-letter', (info) => info.messageId === notJson, 15_000),
      t.projector.consumer.waitFor('dead-letter', (info) => info.messageId === invalid, 15_000),
    ];
    const valid = makeEvent('OrderCreated', [line(randomId(), 1, 100)]);
    const validAcked = acked(valid.event_id);

    t.broker.publishRaw(queue, '{not json', notJson);
    t.broker.publishRaw(
      queue,
      JSON.stringify({ ...valid, event_id: 'nope', data: { user_id: -1 } }),
      invalid,
    );
    t.broker.publish(queue, valid);
    await Promise.all([...deadLetters, validAcked]);

    const reasons = new Map<string, string>();
    for (let i = 0; i < 2; i += 1) {
      const message = await t.broker.getOne(config.DEAD_LETTER_QUEUE);
      reasons.set(
        String(message.properties.messageId),
        String(message.properties.headers?.[DEAD_LETTER_REASON_HEADER]),
      );
    }
    expect(reasons.get(notJson)).toMatch(/not JSON/);
    expect(reasons.get(invalid)).toMatch(/invalid message: .*event_id/);
    const keys = await liveKeys();
    expect(await scores(t.projector.stores.redis, keys.spenders, [valid.data.user_id])).toEqual([100]);
  });

  test('When all dependencies answer, then the service is ready', async () => {
    const ready = await httpClient(t.projector.url).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ redis: 'ok', mysql: 'ok', rabbitmq: 'ok' });
  });
});
