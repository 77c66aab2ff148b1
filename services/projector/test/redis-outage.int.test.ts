import { Redis } from 'ioredis';
import { eventually, httpClient, parseMetrics } from '@store/testing';
import { start, type Projector } from '../src/app';
import { TcpProxy, TestBroker } from './broker';
import {
  deletePrefix,
  line,
  makeEvent,
  randomId,
  scores,
  silentLogger,
  testConfig,
  untilAvailable,
} from './helpers';

jest.setTimeout(45_000);

describe('projector while Redis is unreachable (real Redis behind a local TCP proxy)', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const proxy = new TcpProxy(redis.options.host ?? '127.0.0.1', redis.options.port ?? 6379);
  let config: ReturnType<typeof testConfig>;
  let projector: Projector;
  let broker: TestBroker;

  beforeAll(async () => {
    await proxy.open();
    config = testConfig({ REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
    projector = await start(config, { logger: silentLogger() });
    broker = await TestBroker.open();
    await untilAvailable(projector.stores.projection);
  });

  const liveKeys = async () =>
    projector.stores.projection.keys((await projector.stores.projection.readVersions()).live);

  afterAll(async () => {
    await projector.stop();
    await proxy.cut();
    await broker.close([config.PROJECTOR_QUEUE, config.DEAD_LETTER_QUEUE]);
    await deletePrefix(redis, config.REDIS_KEY_PREFIX);
    await redis.quit();
  });

  test('When Redis is down, then the event is retried and not acked; when Redis returns, then it is applied once', async () => {
    const event = makeEvent('OrderCreated', [line(randomId(), 2, 750)]);
    const acks: string[] = [];
    projector.consumer.on('ack', (info) => acks.push(info.messageId ?? ''));
    const retried = projector.consumer.waitFor('retry', (info) => info.messageId === event.event_id, 20_000);
    const acked = projector.consumer.waitFor('ack', (info) => info.messageId === event.event_id, 30_000);
    const keys = await liveKeys();
    const appliedBefore = Number(await redis.hget(keys.meta, 'applied_events'));

    await proxy.cut();
    broker.publish(config.PROJECTOR_QUEUE, event);
    await retried;
    expect(acks).not.toContain(event.event_id);
    expect((await httpClient(projector.url).get('/health/ready')).status).toBe(503);
    await proxy.open();
    await acked;

    expect(await scores(redis, keys.spenders, [event.data.user_id])).toEqual([1_500]);
    expect(Number(await redis.hget(keys.meta, 'applied_events'))).toBe(appliedBefore + 1);
    expect(acks.filter((id) => id === event.event_id)).toHaveLength(1);
  });

  test('When events pile up while Redis is down, then they are applied in one batch once it returns, each counted once', async () => {
    const user = { user_id: randomId(), user_name: 'piled up' };
    const product = randomId();
    const events = Array.from({ length: 12 }, () => makeEvent('OrderCreated', [line(product, 1, 100)], user));
    const metrics = async () => parseMetrics((await httpClient(projector.url).get<string>('/metrics')).body);
    const before = await metrics();
    const batchAcks: number[] = [];
    projector.consumer.on('batch-ack', (info) => batchAcks.push(info.messages));
    const retried = projector.consumer.waitFor(
      'retry',
      (info) => info.messageId === events[0]!.event_id,
      20_000,
    );
    const allAcked = Promise.all(
      events.map((event) =>
        projector.consumer.waitFor('ack', (info) => info.messageId === event.event_id, 30_000),
      ),
    );

    await proxy.cut();
    for (const event of events) broker.publish(config.PROJECTOR_QUEUE, event);
    await retried;
    const ready = async () => (await broker.channel.checkQueue(config.PROJECTOR_QUEUE)).messageCount;
    await eventually(
      'the queue handed every event to the consumer',
      async () => ((await ready()) === 0 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 25 },
    );
    await proxy.open();
    await allAcked;

    // the failing first batch, then everything that arrived meanwhile, together
    expect(batchAcks.reduce((sum, n) => sum + n, 0)).toBe(12);
    expect(batchAcks.length).toBeLessThanOrEqual(2);
    const keys = await liveKeys();
    expect(await scores(redis, keys.spenders, [user.user_id])).toEqual([1_200]);
    expect(await scores(redis, keys.bestSellers, [product])).toEqual([12]);
    const after = await metrics();
    const moved = (name: string, labels?: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    expect(moved('events_applied_total', { type: 'OrderCreated' })).toBe(12);
    expect(moved('projection_lag_seconds_count')).toBe(12);
    expect(moved('events_duplicate_total')).toBe(0);
  });
});
