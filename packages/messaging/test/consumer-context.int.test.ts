import { storeEventSchema, type StoreEvent } from '@store/contracts';
import { currentRequestId, tracer } from '@store/observability';
import { startInMemoryTracing, type InMemoryTracing } from '@store/testing';
import {
  ConfirmPublisher,
  jsonMessageParser,
  startConsumer,
  type AmqpConnection,
  type Consumer,
} from '../src';
import { orderCreated, ownTopology, publishEvent } from './fixtures';
import { BrokerAdmin, connectedManager, testLogger } from './helpers';

/*
 * What the handler sees of its message's context. In a service the amqplib instrumentation makes its consume
 * span active around the delivery callback; module patching does not work under Jest, so here the context
 * active at delivery is the one the consuming connection's socket was opened in (Node runs socket callbacks in
 * the context they were created in). Either way the runner must hand that context on to every attempt.
 */
describe('consumer context', () => {
  let tracing: InMemoryTracing;
  let admin: BrokerAdmin;
  let consuming: AmqpConnection;
  let publishing: AmqpConnection;
  let publisher: ConfirmPublisher;
  let consumer: Consumer<StoreEvent> | undefined;
  let deliverySpanId: string;

  beforeAll(async () => {
    tracing = startInMemoryTracing();
    admin = await BrokerAdmin.open();
    consuming = await tracer().startActiveSpan('delivery', async (span) => {
      deliverySpanId = span.spanContext().spanId;
      const connection = await connectedManager('messaging-test-context');
      span.end();
      return connection;
    });
    publishing = await connectedManager('messaging-test-context-publisher');
    publisher = new ConfirmPublisher(publishing, { logger: testLogger() });
  });

  afterAll(async () => {
    await consumer?.stop();
    await publisher.close();
    await Promise.all([consuming.close(), publishing.close()]);
    await admin.close();
    await tracing.stop();
  });

  test('When a handler fails once and is retried, then both attempts run with the message id as request id and the delivery context as parent', async () => {
    const topology = await ownTopology(admin);
    const event = orderCreated();
    const requestIds: (string | undefined)[] = [];
    consumer = await startConsumer(consuming, {
      queue: topology.queue,
      deadLetterExchange: topology.deadLetterExchange,
      parse: jsonMessageParser(storeEventSchema),
      logger: testLogger(),
      retry: { initialDelayMs: 10, maxDelayMs: 20 },
      handle: () =>
        tracer().startActiveSpan('handle', (span) => {
          requestIds.push(currentRequestId());
          span.end();
          return requestIds.length === 1 ? Promise.reject(new Error('Redis is down')) : Promise.resolve();
        }),
    });
    const acked = consumer.waitFor('ack', (info) => info.messageId === event.event_id);

    await publishEvent(publisher, topology, event);
    await acked;

    const handled = tracing.spans().filter((span) => span.name === 'handle');
    expect(requestIds).toEqual([event.event_id, event.event_id]);
    expect(handled.map((span) => span.parentSpanContext?.spanId)).toEqual([deliverySpanId, deliverySpanId]);
  });
});
