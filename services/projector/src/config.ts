import { z } from 'zod';
import { DEAD_LETTER_QUEUE, DEFAULT_KEY_PREFIX, EXCHANGE, PROJECTOR_QUEUE } from '@store/contracts';
import { DEFAULT_DELIVERY_LIMIT } from '@store/messaging';
import { env, loadConfig, mysqlEnv, mysqlReaderEnv, redisClusterNodesEnv } from '@store/service-kit';

const schema = z.object({
  HOST: env.string('127.0.0.1'),
  PORT: env.port(5201),
  REDIS_URL: env.string('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: env.string(DEFAULT_KEY_PREFIX),
  /** `host:port,…` of Redis Cluster nodes; empty (default): the one server at REDIS_URL. */
  REDIS_CLUSTER_NODES: redisClusterNodesEnv(),
  /** Credentials belong in the URL (env only); without any, amqplib uses RabbitMQ's loopback-only guest account. */
  AMQP_URL: env.string('amqp://127.0.0.1:5672'),
  /** Must match orders-write's EVENTS_EXCHANGE; tests and side-by-side stacks give each run its own. */
  EVENTS_EXCHANGE: env.string(EXCHANGE),
  PROJECTOR_QUEUE: env.string(PROJECTOR_QUEUE),
  DEAD_LETTER_QUEUE: env.string(DEAD_LETTER_QUEUE),
  /** Deliveries of one message before the queue dead-letters it; orders-write declares the queue with the same. */
  PROJECTOR_DELIVERY_LIMIT: env.int(DEFAULT_DELIVERY_LIMIT, 1),
  /**
   * Unacked messages at once, hence the largest batch applied in one Redis call. Batches run one at a time, so
   * the window must hold the next batch while one runs: measured on 20,000 queued events, 200 drains ~30 %
   * faster than 50 for ~25 % less CPU per event.
   */
  PREFETCH: env.int(200, 1),
  /** Cap of the backoff between attempts of a message whose handler fails (Redis down). */
  RETRY_MAX_DELAY_MS: env.int(30_000, 10),
  ...mysqlEnv(5),
  /**
   * The projector's own account, PROJECTOR_MYSQL_* over MYSQL_*: it only reads the outbox and the order tables.
   * Keep it on the primary: reconciling against a lagging replica would report drift that is only lag.
   */
  ...mysqlReaderEnv('PROJECTOR_'),
  /** 0 turns the periodic check off; GET /admin/reconcile still works. */
  RECONCILE_INTERVAL_SECONDS: env.int(30),
  /**
   * Dedup keys expire so Redis does not grow with every event forever. 30 days is far longer than any
   * redelivery window (broker redelivery, relay retries, a replay); 0 keeps them for ever.
   */
  DEDUP_TTL_SECONDS: env.int(30 * 24 * 3600),
  /** start() fails if RabbitMQ cannot be reached this soon (the supervisor restarts the process). */
  STARTUP_TIMEOUT_MS: env.int(30_000, 100),
  REBUILD_BATCH_SIZE: env.int(500, 1),
  /**
   * How often the projector checks that Redis still holds a complete projection and rebuilds it from the event
   * log when not (FLUSHALL, a restart); 0 turns self-healing off.
   */
  PROJECTION_CHECK_INTERVAL_MS: env.int(1_000),
});

export type Config = z.infer<typeof schema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config => loadConfig(schema, source);
