import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { DEAD_LETTER_REASON_HEADER } from '@store/contracts';
import { httpClient } from '@store/testing';
import { start, type Projector } from '../src/app';
import { TestBroker } from './broker';
import { deletePrefix, silentLogger, line, makeEvent, randomId, scores, testConfig } from './helpers';

jest.setTimeout(30_000);

describe('projector consuming order events (real RabbitMQ and Redis)', () => {
  const config = testConfig();
  const queue = config.PROJECTOR_QUEUE;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let projector: Projector;
  let broker: TestBroker;

  beforeAll(async () => {
    projector = await start(config, { logger: silentLogger() });
    broker = await TestBroker.open();
  });

  afterAll(async () => {
    await projector.stop();
    await broker.close([queue, config.DEAD_LETTER_QUEUE]);
    await deletePrefix(redis, config.REDIS_KEY_PREFIX);
    await redis.quit();
  });

  const acked = (eventId: string) =>
    projector.consumer.waitFor('ack', (info) => info.messageId === eventId, 15_000);
  const liveKeys = async () =>
    projector.stores.projection.keys((await projector.stores.projection.readVersions()).live);

  test('When events are published, then each is acked after Redis holds it, and a redelivered one counts once', async () => {
    const product = randomId();
    const first = makeEvent('OrderCreated', [line(product, 2, 1_500)]);
    const second = makeEvent('OrderCreated', [line(product, 1, 1_500)], { user_id: first.data.user_id });
    const waits = [acked(first.event_id), acked(second.event_id)];

    broker.publish(queue, first);
    broker.publish(queue, second);
    await Promise.all(waits);
    const again = acked(first.event_id);
    broker.publish(queue, first);
    await again;

    const keys = await liveKeys();
    expect(await scores(projector.stores.redis, keys.spenders, [first.data.user_id])).toEqual([4_500]);
    expect(await scores(projector.stores.redis, keys.bestSellers, [product])).toEqual([3]);
  });

  test('When a deletion is delivered before its creation, then the user and product end at zero', async () => {
    const created = makeEvent('OrderCreated', [line(randomId(), 3, 999)]);
    const deleted = { ...created, event_id: randomUUID(), type: 'OrderDeleted' as const };
    const waits = [acked(deleted.event_id), acked(created.event_id)];

    broker.publish(queue, deleted);
    broker.publish(queue, created);
    await Promise.all(waits);

    const keys = await liveKeys();
    expect(await scores(projector.stores.redis, keys.spenders, [created.data.user_id])).toEqual([0]);
    expect(
      await scores(projector.stores.redis, keys.bestSellers, [created.data.items[0]!.product_id]),
    ).toEqual([0]);
  });

  test('When a message is poison, then it lands in the dead-letter queue with its reason and consumption goes on', async () => {
    const notJson = `poison-${randomUUID()}`;
    const invalid = `invalid-${randomUUID()}`;
    const deadLetters = [
      projector.consumer.waitFor('dead-letter', (info) => info.messageId === notJson, 15_000),
      projector.consumer.waitFor('dead-letter', (info) => info.messageId === invalid, 15_000),
    ];
    const valid = makeEvent('OrderCreated', [line(randomId(), 1, 100)]);
    const validAcked = acked(valid.event_id);

    broker.publishRaw(queue, '{not json', notJson);
    broker.publishRaw(queue, JSON.stringify({ ...valid, event_id: 'nope', data: { user_id: -1 } }), invalid);
    broker.publish(queue, valid);
    await Promise.all([...deadLetters, validAcked]);

    const reasons = new Map<string, string>();
    for (let i = 0; i < 2; i += 1) {
      const message = await broker.getOne(config.DEAD_LETTER_QUEUE);
      reasons.set(
        String(message.properties.messageId),
        String(message.properties.headers?.[DEAD_LETTER_REASON_HEADER]),
      );
    }
    expect(reasons.get(notJson)).toMatch(/not JSON/);
    expect(reasons.get(invalid)).toMatch(/invalid message: .*event_id/);
    const keys = await liveKeys();
    expect(await scores(projector.stores.redis, keys.spenders, [valid.data.user_id])).toEqual([100]);
  });

  test('When all dependencies answer, then the service is ready', async () => {
    const ready = await httpClient(projector.url).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ redis: 'ok', mysql: 'ok', rabbitmq: 'ok' });
  });
});
