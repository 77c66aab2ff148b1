import { storeEventSchema, type StoreEvent } from '@store/contracts';
import {
  ConfirmPublisher,
  jsonMessageParser,
  startConsumer,
  type AmqpConnection,
  type Consumer,
  type ConsumerOptions,
  type Topology,
} from '../src';
import { ownTopology } from './fixtures';
import { BrokerAdmin, connectedManager, testLogger } from './helpers';

export interface ConsumerBed {
  admin: BrokerAdmin;
  /** The consumer's connection; the publisher has its own, so killing one leaves the other alone. */
  consuming: AmqpConnection;
  publishing: AmqpConnection;
  publisher: ConfirmPublisher;
  /** A topology of the test's own (new for every test). */
  topology: Topology;
  consumer: Consumer<StoreEvent> | undefined;
  /** Starts a consumer on the test's queue with fast retries; stopped after the test. */
  consume(options: Partial<ConsumerOptions<StoreEvent>>): Promise<Consumer<StoreEvent>>;
}

/** The broker set-up of a consumer test file; call it at the top of the describe block, read it inside tests. */
export function useConsumerBed(name: string): ConsumerBed {
  const bed = {} as ConsumerBed;
  bed.consume = async (options) => {
    bed.consumer = await startConsumer(bed.consuming, {
      queue: bed.topology.queue,
      deadLetterExchange: bed.topology.deadLetterExchange,
      parse: jsonMessageParser(storeEventSchema),
      logger: testLogger(),
      retry: { initialDelayMs: 10, maxDelayMs: 40 },
      ...options,
    } as ConsumerOptions<StoreEvent>);
    return bed.consumer;
  };
  beforeAll(async () => {
    bed.admin = await BrokerAdmin.open();
    bed.consuming = await connectedManager(`${name}-consumer`);
    bed.publishing = await connectedManager(`${name}-publisher`);
    bed.publisher = new ConfirmPublisher(bed.publishing, { logger: testLogger() });
  });
  beforeEach(async () => {
    bed.topology = await ownTopology(bed.admin);
  });
  afterEach(async () => {
    await bed.consumer?.stop();
    bed.consumer = undefined;
  });
  afterAll(async () => {
    await bed.publisher.close();
    await Promise.all([bed.consuming.close(), bed.publishing.close()]);
    await bed.admin.close();
  });
  return bed;
}
