import { z } from 'zod';
import { DEAD_LETTER_QUEUE, EXCHANGE, PROJECTOR_QUEUE } from '@store/contracts';
import { DEFAULT_DELIVERY_LIMIT } from '@store/messaging';
import { ConfigError, env, loadConfig, mysqlEnv } from '@store/service-kit';
import { FAULT_POINTS } from './data-access/fault-injection';

const schema = z.object({
  HOST: env.string('127.0.0.1'),
  PORT: env.port(5001),
  ...mysqlEnv(10),
  MIGRATE_ON_START: env.bool(true),
  /** Credentials belong in the URL (env only); without any, amqplib uses RabbitMQ's loopback-only guest account. */
  AMQP_URL: env.string('amqp://127.0.0.1:5672'),
  /**
   * `n-plus-one` exists only to reproduce the lab's N+1 experiment. That experiment is about the per-order path,
   * so `n-plus-one` places every order through it, whatever ORDER_BATCHING says.
   */
  PRODUCT_LOOKUP: z.enum(['batched', 'n-plus-one']).default('batched'),
  /**
   * `on`: concurrent orders are written together (group commit, domain/group-commit.ts); `off`: each order in its
   * own MikroORM transaction, the per-order path kept for the experiments.
   */
  ORDER_BATCHING: z.enum(['on', 'off']).default('on'),
  /** The most orders one batch takes from the queue (one transaction, two round trips). */
  ORDER_BATCH_MAX: env.int(64, 1),
  /** Batches a replica writes at once; one was best measured (more writers contend for the same stock rows). */
  ORDER_BATCH_WRITERS: env.int(1, 1),
  /** How long a free writer waits to fill a batch; 0 (the default) keeps a lone order as fast as unbatched. */
  ORDER_BATCH_WAIT_MS: env.int(0, 0),
  /** Runs of one batch (deadlock, lost connection, …) before its orders are answered 503. */
  ORDER_BATCH_ATTEMPTS: env.int(4, 1),
  OUTBOX_RELAY_ENABLED: env.bool(true),
  /** The relay declares the projector's queues too, so events are kept even before the projector first runs. */
  EVENTS_EXCHANGE: env.string(EXCHANGE),
  PROJECTOR_QUEUE: env.string(PROJECTOR_QUEUE),
  DEAD_LETTER_QUEUE: env.string(DEAD_LETTER_QUEUE),
  /** Must equal the projector's: RabbitMQ refuses a second declaration of the queue with another limit. */
  PROJECTOR_DELIVERY_LIMIT: env.int(DEFAULT_DELIVERY_LIMIT, 1),
  /**
   * The relay's poll, now a sweep behind the writers' own publishing (committed-publisher.ts) and the nudges of
   * the per-order path: it only finds rows left behind, so it need not run often (issue 16: idle cost).
   */
  OUTBOX_POLL_INTERVAL_MS: env.int(1000, 10),
  /**
   * The sweep leaves younger rows to their writer. Above a normal confirm + OUTBOX_MARK_INTERVAL_MS; a confirm
   * slower than this (the broker in trouble) may be published twice, which the projector drops by event id.
   */
  OUTBOX_SWEEP_GRACE_MS: env.int(3_000, 0),
  /** Events a writer published are marked published together, one UPDATE per this interval at most. */
  OUTBOX_MARK_INTERVAL_MS: env.int(100, 1),
  OUTBOX_BATCH_SIZE: env.int(100, 1),
  OUTBOX_CONFIRM_TIMEOUT_MS: env.int(5000, 100),
  OUTBOX_MAX_BACKOFF_MS: env.int(5_000, 100),
  /** How often the outbox_pending_events / oldest-age gauges are recomputed (one count query per replica). */
  OUTBOX_BACKLOG_INTERVAL_MS: env.int(5000, 10),
  /**
   * Test-only crash points (comma-separated, see fault-injection.ts), for the fault drills of `npm run chaos`;
   * empty (the default) turns fault injection off entirely. A point fires when FAULT_INJECTION_DIR/<point> exists.
   */
  FAULT_INJECTION: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((point) => point.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(FAULT_POINTS))),
  FAULT_INJECTION_DIR: z.string().default(''),
});

export type Config = z.infer<typeof schema>;

export function readConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const config = loadConfig(schema, source);
  if (config.FAULT_INJECTION.length > 0 && config.FAULT_INJECTION_DIR === '')
    throw new ConfigError(
      'invalid configuration:\n  FAULT_INJECTION_DIR: required when FAULT_INJECTION names a point',
    );
  return config;
}
