import { Redis } from 'ioredis';
import { createLogger } from '@store/observability';
import { start, type Overrides, type Projector } from '../src/app';
import { TestBroker } from './broker';
import { deletePrefix, testConfig, untilAvailable } from './helpers';

export interface RunningProjector {
  config: ReturnType<typeof testConfig>;
  /** The projector's queue (its own per file). */
  queue: string;
  redis: Redis;
  projector: Projector;
  broker: TestBroker;
  /** Resolves when the projector logs (info and up) `message` `times` more times from now. */
  untilLogged(message: string, times?: number): Promise<void>;
}

/** A logger whose lines (kept in memory, never printed) can be awaited by message. */
function awaitableLog() {
  const waiters = new Set<{ message: string; left: number; resolve: () => void }>();
  const write = (line: string) => {
    for (const waiter of waiters) {
      if (!line.includes(`"msg":"${waiter.message}"`) || --waiter.left > 0) continue;
      waiters.delete(waiter);
      waiter.resolve();
    }
  };
  const logger = createLogger('projector-test', { level: 'info' }, { write });
  const untilLogged = (message: string, times = 1) =>
    new Promise<void>((resolve) => waiters.add({ message, left: times, resolve }));
  return { logger, untilLogged };
}

/**
 * A projector on its own queues and key prefix and a broker to publish to it: started before the file's tests,
 * stopped and cleaned up (queues, keys) after them. Call it at the top of a describe block; read the fields
 * inside tests. The prefix starts empty, so the projector first rebuilds the projection from the test
 * database's outbox by itself; the tests start once that version is live.
 */
export function useRunningProjector(
  configOverrides: Record<string, string> = {},
  startOverrides: Omit<Overrides, 'logger'> = {},
): RunningProjector {
  const config = testConfig(configOverrides);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const { logger, untilLogged } = awaitableLog();
  const running = { config, queue: config.PROJECTOR_QUEUE, redis, untilLogged } as RunningProjector;
  beforeAll(async () => {
    running.projector = await start(config, { logger, ...startOverrides });
    running.broker = await TestBroker.open();
    await untilAvailable(running.projector.stores.projection);
  });
  afterAll(async () => {
    await running.projector.stop();
    await running.broker.close([config.PROJECTOR_QUEUE, config.DEAD_LETTER_QUEUE]);
    await deletePrefix(redis, config.REDIS_KEY_PREFIX);
    await redis.quit();
  });
  return running;
}
